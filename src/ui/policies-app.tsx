import { render, useInput } from 'ink';
import type { PoliciesScreenData } from '../services/policy-screen-data.js';
import { PoliciesScreen } from './policies-screen.js';

/** Ctrl+C and q leave the standalone screen; Esc on the list does too; `r` leaves to run a policy. */
function Standalone({
  data,
  onExit,
  rows,
}: {
  data: PoliciesScreenData;
  onExit: (run?: string) => void;
  rows: number;
}) {
  useInput((input, key) => {
    if ((key.ctrl && input === 'c') || input === 'q') onExit();
  });
  return (
    <PoliciesScreen
      {...data}
      onBack={() => onExit()}
      onRun={(secretPath) => onExit(secretPath)}
      limit={Math.max(5, rows - 6)}
      width={process.stdout.columns ?? 80}
    />
  );
}

/**
 * `rotor policy browse`: the policies screen on its own, until the operator leaves it. Resolves
 * with the secret path of the policy the operator chose to run now (`r`), if any.
 */
export async function browsePolicies(data: PoliciesScreenData): Promise<string | undefined> {
  let run: string | undefined;
  const app = render(
    <Standalone
      data={data}
      onExit={(path) => {
        run = path;
        app.unmount();
      }}
      rows={process.stdout.rows ?? 24}
    />,
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return run;
}
