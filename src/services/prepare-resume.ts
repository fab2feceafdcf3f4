import { readResumeInfo } from '../session/resume-session.js';
import { givenInputs } from './given-inputs.js';
import { givenSources } from './input-sources.js';
import type { RotorContext } from './rotor-context.js';

/**
 * What resuming a session needs (`rotor resume`, the TUI's offer at start): its journal's facts,
 * its runbook, and its inputs again. `warn` says which `ROTOR_INPUT_*` were passed over.
 */
export async function prepareResume(ctx: RotorContext, sessionId: string, warn?: (message: string) => void) {
  const info = readResumeInfo(ctx.journalDir, sessionId);
  await ctx.prepareEnvironment(info.environment);
  const loaded = ctx.findRunbook(info.runbookRef);
  // Secret inputs were journalled as hashes only: they come again from ROTOR_INPUT_* (or the TUI).
  const sandbox = ctx.environment(info.environment).sandbox;
  const fromEnv = givenInputs(loaded.runbook, [], ctx.env, { sandbox, warn });
  const inputs = { ...info.inputs, ...fromEnv };
  const sources = givenSources([], fromEnv, { values: info.inputs, source: 'session' });
  return { info, loaded, inputs, sources };
}
