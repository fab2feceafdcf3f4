import { UsageError } from '../errors.js';
import { confirmingDecider, requireHeadlessConfirmation } from '../services/headless-confirmation.js';
import { headlessDecider } from '../services/headless-decider.js';
import { prepareResume } from '../services/prepare-resume.js';
import type { RotorContext } from '../services/rotor-context.js';
import { commandWithoutValues } from './journalled-command.js';
import { followHeadless } from './headless.js';
import type { Io } from './io.js';

/**
 * `rotor resume <id>`: picks an interrupted session up again. Finished steps are restored, the
 * step that was running is checked against the real system, and the rest runs as usual — in the
 * TUI on a terminal, or headless with --yes (failures then follow the runbook's on_failure).
 */
export async function resumeCommand(
  ctx: RotorContext,
  sessionId: string,
  options: { yes?: boolean; json?: boolean; allowRealTargets?: boolean; confirmEnv?: string },
  io: Io,
): Promise<number> {
  const { info, loaded, inputs, sources } = await prepareResume(ctx, sessionId, (m) =>
    io.stderr(`rotor: ${m}`),
  );
  if (options.allowRealTargets && !ctx.environment(info.environment).sandbox)
    throw new UsageError(
      '--allow-real-targets only applies to sandbox sessions',
      'outside the sandbox every target is real already; drop the flag',
    );
  const command = commandWithoutValues(io.argv);
  if (!options.yes) {
    if (!io.isTTY) throw new UsageError('no terminal to ask for approvals', 'pass --yes to resume headless');
    const { runTui } = await import('./tui.js');
    return runTui(ctx, {
      runbookId: info.runbookRef,
      environment: info.environment,
      inputs,
      sources,
      command,
      resumeSessionId: sessionId,
      allowRealTargets: options.allowRealTargets,
    });
  }
  // The same rule as `run --yes`: a session that never got its confirmation must not get it here.
  const confirmed = requireHeadlessConfirmation(ctx.environment(info.environment), options.confirmEnv);
  const start = ctx.starter(command, { allowRealTargets: options.allowRealTargets });
  const handle = await start({
    runbookId: info.runbookRef,
    environment: info.environment,
    inputs,
    decide: confirmingDecider(headlessDecider(loaded.runbook.on_failure), confirmed),
    resumeSessionId: sessionId,
  });
  return followHeadless(handle, options, io);
}
