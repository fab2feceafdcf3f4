import { Box, Text, useInput, useStdin } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { RotorError, describeError } from '../errors.js';
import { Secret } from '../engine/secret.js';
import type { Answer, DecisionRequest } from '../engine/types.js';
import type { GivenInputs } from '../runbook/inputs.js';
import type { InputSources } from '../runbook/input-source.js';
import type { EnvironmentInfo, RunbookInfo, SessionHandle, StartSession } from '../session/types.js';
import { back, initialChoices, screenFor, type Choices, type InitialChoices } from './app-flow.js';
import { CheckFleet, type StartCheck } from './check-fleet.js';
import { Checklist } from './checklist.js';
import { EnvironmentPicker } from './environment-picker.js';
import { InputReview } from './input-review.js';
import { createPromptStore } from './prompt-store.js';
import { RunbookPicker } from './runbook-picker.js';
import { RunScreen } from './run-screen.js';
import { useTerminalSize } from './use-terminal-size.js';
import { tone } from './tone.js';

/** The TUI's inputs; the CLI renders `<App>` with `exitOnCtrlC: false` and owns the one exit. */
export interface AppProps {
  runbooks: RunbookInfo[];
  environments: EnvironmentInfo[];
  /** Called once the operator has picked and filled in everything. */
  start: StartSession;
  /** From CLI flags: screens already answered are skipped. */
  initial?: InitialChoices;
  /** A runbook as the chosen environment fills it in (its inventory's values); default: as is. */
  inEnvironment?: (environment: EnvironmentInfo, runbook: RunbookInfo) => RunbookInfo;
  /** Called once: the outcome's exit code after the summary, 130 when the operator quits before starting, 2 when the session could not start. */
  onExit: (exitCode: number) => void;
  /** The fleet check for an environment; the picker offers "Check every secret" when given. */
  check?: (environment: string) => StartCheck;
}

type Session =
  | { state: 'starting' }
  | { state: 'running'; handle: SessionHandle }
  | { state: 'refused'; message: string; exitCode: number };

/** Secret inputs go to the session wrapped, whether typed here or given as flags. */
function givenInputs(runbook: RunbookInfo, values: GivenInputs): GivenInputs {
  const secret = new Set(runbook.inputs.filter((i) => i.secret).map((i) => i.name));
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      typeof value === 'string' && secret.has(name) ? new Secret(value, `inputs.${name}`) : value,
    ]),
  );
}

/** The given inputs the screen may show: plain text only, a Secret never reaches it. */
function plainInputs(given: GivenInputs = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(given).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** A Secret given without a named source came from ROTOR_INPUT_* (the only way one arrives). */
function givenSources(initial: InitialChoices, typed: Record<string, string> = {}): InputSources {
  const secrets = Object.entries(initial.inputs ?? {}).filter(([, v]) => typeof v !== 'string');
  return {
    ...Object.fromEntries(secrets.map(([name]) => [name, 'environment'])),
    ...initial.sources,
    ...Object.fromEntries(Object.keys(typed).map((name) => [name, 'typed'])),
  };
}

function Refused({
  message,
  exitCode,
  onExit,
}: {
  message: string;
  exitCode: number;
  onExit: (code: number) => void;
}) {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) =>
      (key.return || key.escape || input === 'q' || (key.ctrl && input === 'c')) && onExit(exitCode),
    { isActive: isRawModeSupported },
  );
  return (
    <Box flexDirection="column">
      <Text color={tone('red')} wrap="wrap">{`✘ The session did not start: ${message}`}</Text>
      <Text>Nothing was changed.</Text>
      <Text dimColor>{`Enter or q to exit (exit code ${exitCode})`}</Text>
    </Box>
  );
}

export function App({
  runbooks,
  environments,
  start,
  initial = {},
  onExit,
  check,
  inEnvironment = (_environment, runbook) => runbook,
}: AppProps) {
  const { isRawModeSupported } = useStdin();
  const { rows } = useTerminalSize();
  const [choices, setChoices] = useState<Choices>(() => initialChoices(runbooks, environments, initial));
  const [session, setSession] = useState<Session>();
  const [fleet, setFleet] = useState(false);
  const startCheck = useMemo(
    () => (check && choices.environment ? check(choices.environment.name) : undefined),
    [check, choices.environment],
  );
  const [stores] = useState(() => ({
    decisions: createPromptStore<DecisionRequest, Answer>(),
    secrets: createPromptStore<string, Secret>(),
  }));
  const exited = useRef(false);
  const exit = useCallback(
    (code: number) => {
      if (exited.current) return;
      exited.current = true;
      onExit(code);
    },
    [onExit],
  );
  const screen = screenFor(choices, initial);

  useInput((input, key) => key.ctrl && input === 'c' && exit(130), {
    isActive: isRawModeSupported && session === undefined,
  });
  useEffect(() => {
    if (screen !== 'start' || session !== undefined || !choices.runbook || !choices.environment) return;
    setSession({ state: 'starting' });
    const request = { runbookId: choices.runbook.id, environment: choices.environment.name };
    const inputs = givenInputs(choices.runbook, { ...initial.inputs, ...choices.inputs });
    // Kept in the policy only now, once the checklist is done and the run is starting.
    const saved =
      choices.saveToPolicy && initial.policy ? initial.policy.save(choices.inputs ?? {}) : Promise.resolve();
    saved
      .then(() =>
        start({
          ...request,
          inputs,
          decide: stores.decisions.ask,
          askSecret: stores.secrets.ask,
        }),
      )
      .then(
        (handle) => setSession({ state: 'running', handle }),
        (error: unknown) =>
          setSession({
            state: 'refused',
            message: describeError(error),
            exitCode: error instanceof RotorError ? error.exitCode : 1,
          }),
      );
  }, [screen, session, choices, initial.inputs, initial.policy, start, stores]);

  if (runbooks.length === 0 || environments.length === 0)
    return (
      <Refused
        message={runbooks.length === 0 ? 'no runbooks were found' : 'no environments are configured'}
        exitCode={0}
        onExit={exit}
      />
    );
  if (session?.state === 'running')
    return (
      <RunScreen
        handle={session.handle}
        decisions={stores.decisions}
        secrets={stores.secrets}
        protectedEnvironment={choices.environment?.protected ?? false}
        onExit={exit}
      />
    );
  if (session?.state === 'refused')
    return <Refused message={session.message} exitCode={session.exitCode} onExit={exit} />;
  if (session?.state === 'starting') return <Text>Starting the session…</Text>;
  const goBack = () => setChoices((c) => back(c, initial));
  if (fleet && startCheck && choices.environment)
    return (
      <CheckFleet
        environment={choices.environment.name}
        start={startCheck}
        onBack={() => setFleet(false)}
        onRepair={(repair) => {
          const runbook = runbooks.find((r) => r.id === repair.runbook);
          setFleet(false);
          if (runbook) setChoices((c) => ({ ...c, runbook, inputs: repair.inputs }));
        }}
      />
    );
  const limit = Math.max(3, rows - 8);
  switch (screen) {
    case 'environment': {
      const notice =
        initial.environment !== undefined
          ? `No environment named "${initial.environment}": choose one.`
          : undefined;
      return (
        <EnvironmentPicker
          environments={environments}
          notice={notice}
          limit={limit}
          onPick={(environment) => setChoices((c) => ({ ...c, environment }))}
        />
      );
    }
    case 'runbook': {
      const notice =
        initial.runbookId !== undefined ? `No runbook "${initial.runbookId}": choose one.` : undefined;
      const canGoBack =
        initial.environment === undefined || choices.environment?.name !== initial.environment;
      return (
        <RunbookPicker
          runbooks={runbooks}
          environment={choices.environment!}
          notice={notice}
          limit={limit}
          onBack={canGoBack ? goBack : undefined}
          onPick={(runbook) => setChoices((c) => ({ ...c, runbook }))}
          onCheck={startCheck ? () => setFleet(true) : undefined}
        />
      );
    }
    case 'inputs':
      return (
        <InputReview
          runbook={inEnvironment(choices.environment!, choices.runbook!)}
          given={{
            plain: { ...plainInputs(initial.inputs), ...choices.typedBefore },
            sources: givenSources(initial, choices.typedBefore),
          }}
          resuming={initial.resuming}
          saveTo={initial.policy?.secretPath}
          fixed={initial.policy?.fixed}
          onBack={goBack}
          onDone={(inputs, { save }) => setChoices((c) => ({ ...c, inputs, saveToPolicy: save }))}
        />
      );
    case 'checklist':
      return (
        <Checklist
          runbook={choices.runbook!}
          environment={choices.environment!}
          onBack={goBack}
          onDone={() => setChoices((c) => ({ ...c, checked: true }))}
        />
      );
    case 'start':
      return <Text>Starting the session…</Text>;
  }
}
