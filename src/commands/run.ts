import { UsageError } from '../errors.js';
import { checkFaults } from '../sandbox/faults.js';
import { followHeadless } from './headless.js';
import { givenInputs } from '../services/given-inputs.js';
import { confirmingDecider, requireHeadlessConfirmation } from '../services/headless-confirmation.js';
import { headlessDecider } from '../services/headless-decider.js';
import type { RotorContext } from '../services/rotor-context.js';
import type { EnvironmentInfo } from '../session/types.js';
import { dryRun, formatDryRun } from './dry-run.js';
import { commandWithoutValues } from './journalled-command.js';
import { givenSources } from '../services/input-sources.js';
import type { Io } from './io.js';
import { valuesOf } from '../inventory/layers.js';

/** Options of `rotor run`. */
export interface RunOptions {
  env?: string;
  set: string[];
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
  confirmEnv?: string;
  rehearse?: boolean;
  /** Sandbox only: failures to rehearse (`rotor sandbox --help` lists them). */
  fault?: string[];
  /** Sandbox only: let the drill dial real servers named in its inputs. */
  allowRealTargets?: boolean;
  /** Instead of a runbook: every due rotation policy (src/commands/due-run.ts). */
  due?: boolean;
  /** With --due: this process's share of the due policies. */
  shardIndex?: string;
  shardCount?: string;
}

/** `rotor run`: headless with --yes, a dry run with --dry-run, else the TUI on a terminal. */
export async function runCommand(
  ctx: RotorContext,
  ref: string | undefined,
  options: RunOptions,
  io: Io,
): Promise<number> {
  if (options.due) {
    if (ref !== undefined)
      throw new UsageError(
        `rotor run --due takes no runbook (got "${ref}"): each due policy names its own`,
        '`rotor due` shows which would run',
      );
    return (await import('./due-run.js')).runDue(ctx, options, io);
  }
  if (options.shardIndex !== undefined || options.shardCount !== undefined)
    throw new UsageError(
      '--shard-index and --shard-count only apply to --due',
      'a runbook run is one session; shares split the due policies between processes',
    );
  if (ref === undefined)
    throw new UsageError(
      'rotor run needs a runbook, or --due',
      '`rotor runbooks` lists them; `rotor due` shows what policies say is due',
    );
  const command = commandWithoutValues(io.argv);
  const resolved = await ctx.resolve(options.env);
  const { loaded, environment, given, confirmed } = prepare(ctx, ref, options, io, resolved.environment);
  if (options.dryRun) {
    // What the session would take from the environment: its inventory, or the sandbox's values.
    const layered = { ...valuesOf(ctx.environmentInputs(environment, loaded)), ...given };
    const steps = dryRun(loaded, layered, environment, ctx.actions, ctx.env);
    io.stdout(
      options.json
        ? JSON.stringify({ runbook: loaded.runbook.id, environment: environment.name, steps })
        : formatDryRun(loaded, environment, steps),
    );
    return 0;
  }
  if (!options.yes) {
    const { runTui } = await import('./tui.js');
    return runTui(ctx, {
      runbookId: loaded.file,
      environment: environment.name,
      inputs: given,
      sources: givenSources(options.set, given),
      command,
      rehearse: options.rehearse,
      faults: options.fault,
      allowRealTargets: options.allowRealTargets,
    });
  }
  const start = ctx.starter(command, {
    rehearse: options.rehearse,
    faults: options.fault,
    allowRealTargets: options.allowRealTargets,
  });
  const handle = await start({
    runbookId: loaded.file,
    environment: environment.name,
    inputs: given,
    decide: confirmingDecider(headlessDecider(loaded.runbook.on_failure), confirmed),
  });
  return followHeadless(handle, options, io);
}

function prepare(ctx: RotorContext, ref: string, options: RunOptions, io: Io, environment: EnvironmentInfo) {
  const loaded = ctx.findRunbook(ref);
  const given = givenInputs(loaded.runbook, options.set, ctx.env, {
    sandbox: environment.sandbox,
    warn: (m) => io.stderr(`rotor: ${m}`),
  });
  if (!options.yes && !options.dryRun && !io.isTTY) {
    throw new UsageError(
      'no terminal to ask for approvals',
      'pass --yes to approve every step (headless), or --dry-run to see the plan',
    );
  }
  if (options.fault?.length) {
    if (!environment.sandbox)
      throw new UsageError(
        '--fault only works with --env sandbox',
        'faults are for rehearsals; they never touch a real system',
      );
    checkFaults(options.fault);
  }
  if (options.allowRealTargets && !environment.sandbox)
    throw new UsageError(
      '--allow-real-targets only applies to --env sandbox',
      'outside the sandbox every target is real already; drop the flag',
    );
  const confirmed = options.yes ? requireHeadlessConfirmation(environment, options.confirmEnv) : undefined;
  return { loaded, environment, given, confirmed };
}
