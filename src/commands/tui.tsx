import { render } from 'ink';
import { App } from '../ui/app.js';
import { runbookInfo } from '../session/catalog.js';
import { infoInEnvironment } from '../inventory/info-in-environment.js';
import type { GivenInputs } from '../runbook/inputs.js';
import type { RotorContext } from '../services/rotor-context.js';
import { unfinishedSessions, type UnfinishedSession } from '../services/unfinished-sessions.js';
import { unfinishedLabel } from '../ui/unfinished-label.js';
import type { InputSources } from '../runbook/input-source.js';
import type { StartSession } from '../session/types.js';
import type { PolicyRun } from '../ui/app-flow.js';
import { fleetCheck } from './check-tui.js';
import { UnfinishedPicker, type UnfinishedAnswer } from '../ui/unfinished-picker.js';

/** What the CLI already knows when the TUI opens; screens for these are skipped. */
export interface TuiOptions {
  /** A runbook id, or the path of a runbook file. */
  runbookId?: string;
  environment?: string;
  inputs?: GivenInputs;
  /** Where each given input came from, for the inputs screen. */
  sources?: InputSources;
  command: string;
  rehearse?: boolean;
  faults?: readonly string[];
  /** Sandbox only: let the drill dial real servers named in its inputs. */
  allowRealTargets?: boolean;
  /** Continue an interrupted session (`rotor resume`). */
  resumeSessionId?: string;
  /** A policy's run from the policies screen: its edits may be saved to it. */
  policy?: PolicyRun;
  /** Starts the session instead of the context's own starter (a policy's run records its history). */
  starter?: StartSession;
}

/** Opens the TUI and resolves with the exit code once the operator leaves the summary. */
export async function runTui(ctx: RotorContext, options: TuiOptions): Promise<number> {
  if (!options.resumeSessionId) {
    // Before anything else: an interrupted rotation is more urgent than a new one.
    const sessions = unfinishedSessions(ctx.journalDir);
    const answer = sessions.length > 0 ? await askUnfinished(sessions) : 'new';
    if (answer === 'quit') return 130;
    if (answer !== 'new') {
      const { prepareResume } = await import('../services/prepare-resume.js');
      const { info, inputs, sources } = await prepareResume(ctx, answer.resume);
      return runTui(ctx, {
        runbookId: info.runbookRef,
        environment: info.environment,
        inputs,
        sources,
        command: options.command,
        resumeSessionId: answer.resume,
      });
    }
  }
  const runbooks = [...ctx.catalog.values()].map(runbookInfo);
  const extra = options.runbookId ? ctx.findRunbook(options.runbookId) : undefined;
  if (extra && !runbooks.some((r) => r.id === extra.runbook.id)) runbooks.push(runbookInfo(extra));
  const refs = new Map(runbooks.map((r) => [r.id, r.file]));
  const starter =
    options.starter ??
    ctx.starter(options.command, {
      rehearse: options.rehearse,
      faults: options.faults,
      allowRealTargets: options.allowRealTargets,
    });
  const plain: Record<string, string> = {};
  const secrets: GivenInputs = {};
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    if (typeof value === 'string') plain[name] = value;
    else secrets[name] = value;
  }
  let exitCode = 0;
  const app = render(
    <App
      runbooks={runbooks}
      environments={options.environment ? [ctx.environment(options.environment)] : ctx.environments()}
      initial={{
        runbookId: extra?.runbook.id,
        environment: options.environment,
        inputs: plain,
        sources: options.sources,
        policy: options.policy,
        resuming: options.resumeSessionId !== undefined,
      }}
      inEnvironment={(environment, info) =>
        infoInEnvironment(
          info,
          ctx.environmentInputs(environment, ctx.findRunbook(refs.get(info.id) ?? info.id)),
        )
      }
      start={(request) =>
        starter({
          ...request,
          resumeSessionId: options.resumeSessionId,
          runbookId: refs.get(request.runbookId) ?? request.runbookId,
          inputs: { ...secrets, ...request.inputs },
        })
      }
      onExit={(code) => {
        exitCode = code;
        app.unmount();
      }}
      check={options.resumeSessionId ? undefined : fleetCheck(ctx)}
    />,
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return exitCode;
}

/** The offer to resume an interrupted session, in its own short-lived Ink render. */
async function askUnfinished(sessions: UnfinishedSession[]): Promise<UnfinishedAnswer> {
  let answer: UnfinishedAnswer = 'quit';
  const rows = process.stdout.rows ?? 24;
  const picker = render(
    <UnfinishedPicker
      sessions={sessions.map((s) => ({ sessionId: s.sessionId, label: unfinishedLabel(s) }))}
      limit={Math.max(3, rows - 8)}
      onAnswer={(a) => {
        answer = a;
        picker.unmount();
      }}
    />,
    { exitOnCtrlC: false },
  );
  await picker.waitUntilExit();
  return answer;
}
