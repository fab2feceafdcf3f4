import { checkRunbookFits, rotationInputs } from '../policy/policy-runbook.js';
import { runbookFor } from '../policy/runbook-choice.js';
import { historyEntriesOf } from '../policy/session-history.js';
import type { InputSource } from '../runbook/input-source.js';
import type { PolicyRun } from '../ui/app-flow.js';
import type { RotorContext } from '../services/rotor-context.js';
import { sessionStarter } from '../services/session-starter.js';
import { givenInputs } from '../services/given-inputs.js';
import { commandWithoutValues } from './journalled-command.js';
import { givenSources } from '../services/input-sources.js';
import type { Io } from './io.js';
import { withStores } from '../services/stores.js';

/**
 * A policy's rotation started from the policies screen (`r`), in the TUI: its inputs are reviewed
 * first. An edit changes this run only, unless the operator saves it to the policy (`s`); secret
 * inputs are never saved (a policy is readable by everyone who reads the store). The run is
 * recorded in the policy's history as `run --due` records it.
 */
export async function runPolicyInTui(
  ctx: RotorContext,
  envOption: string | undefined,
  secretPath: string,
  io: Io,
): Promise<number> {
  await ctx.prepareEnvironment(envOption);
  const envName = envOption ?? ctx.defaultEnvironment();
  const environment = ctx.environment(envName);
  const host = ctx;
  const policy = await withStores(host, envName, (stores) => stores.policies.require(secretPath));
  const loaded = ctx.findRunbook(runbookFor(policy));
  const declared = loaded.runbook.inputs;
  const fromEnv = givenInputs(loaded.runbook, [], ctx.env, {
    sandbox: environment.sandbox,
    warn: (m) => io.stderr(`rotor: ${m}`),
  });
  const fromPolicy = rotationInputs(policy, declared);
  const sources: Record<string, InputSource> = givenSources([], fromEnv);
  for (const name of Object.keys(fromPolicy)) sources[name] = 'policy';
  const fixed: Record<string, string> = {
    secret_path: `secret_path is the policy's own secret (${policy.secret_path}): each secret is run from its own policy.`,
  };
  if ('script_path' in fromPolicy)
    fixed.script_path = `script_path is the policy's rotation_script_path: change it with rotor policy add <secret_path> --rotation-script-path <file>`;
  const run: PolicyRun = {
    secretPath,
    fixed,
    save: async (typed) => {
      const keep = Object.entries(typed).filter(([name]) => !declared[name]?.secret && !(name in fixed));
      await withStores(host, envName, async (stores) => {
        const current = await stores.policies.require(secretPath);
        // An input emptied on the screen goes back to the runbook's default: out of the policy.
        const inputs = { ...current.inputs };
        for (const [name, value] of keep) {
          if (value === '') delete inputs[name];
          else inputs[name] = value;
        }
        const next = { ...current, inputs };
        checkRunbookFits(next, declared, { sandbox: environment.sandbox });
        await stores.policies.put(next);
      });
    },
  };
  const command = `${commandWithoutValues(io.argv)} (${secretPath})`;
  const starter = sessionStarter(ctx, command, {
    onEnded: async (session) => {
      const entries = historyEntriesOf(session, 1);
      await withStores(host, envName, async (stores) => {
        for (const entry of entries) await stores.history.append(entry);
      }).catch((error: unknown) =>
        io.stderr(`rotor: rotation history not recorded for ${secretPath}: ${(error as Error).message}`),
      );
    },
  });
  const { runTui } = await import('./tui.js');
  return runTui(ctx, {
    runbookId: loaded.file,
    environment: envName,
    inputs: { ...fromEnv, ...fromPolicy },
    sources,
    command,
    policy: run,
    starter,
  });
}
