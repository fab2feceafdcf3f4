import { describeInputs, type ShownInput } from '../inventory/describe-inputs.js';
import { sourced } from '../inventory/layers.js';
import type { RotorContext } from '../services/rotor-context.js';
import { givenInputs } from '../services/given-inputs.js';
import type { Io } from './io.js';

const SOURCE_TEXT: Record<ShownInput['source'], string> = {
  set: '--set',
  policy: 'policy',
  environment: 'ROTOR_INPUT_*',
  'inventory-runbook': 'inventory (runbook)',
  'inventory-shared': 'inventory (shared)',
  typed: 'typed',
  default: 'runbook default',
  missing: 'NOT GIVEN: required',
};

/**
 * `rotor env show <name>`: the environment's connection settings and, per runbook, each input's
 * value as a run here would start with it (before `--set` and policies) and where it comes from.
 * Vault references are printed, not read; secrets from the shell only as a mask.
 */
export async function showEnv(
  ctx: RotorContext,
  name: string,
  options: { runbook?: string; json?: boolean },
  io: Io,
): Promise<number> {
  await ctx.prepareEnvironment(name);
  const environment = ctx.environment(name);
  const profile = environment.sandbox ? undefined : ctx.profiles().find((p) => p.name === name);
  const runbooks = options.runbook ? [ctx.findRunbook(options.runbook)] : [...ctx.catalog.values()];
  const shown = runbooks.map((loaded) => {
    const shell = givenInputs(loaded.runbook, [], ctx.env, { sandbox: environment.sandbox });
    const inputs = describeInputs(
      loaded.runbook,
      sourced(shell, 'environment'),
      ctx.environmentInputs(environment, loaded),
    );
    return { runbook: loaded.runbook.id, inputs };
  });
  if (options.json) {
    io.stdout(JSON.stringify({ environment, profile, runbooks: shown }, null, 2));
    return 0;
  }
  io.stdout(
    `environment ${environment.name}${environment.protected ? ' (protected)' : ''}${profile?.inventory ? `, from ${profile.inventory}` : environment.sandbox ? ', built in' : profile ? ', a saved profile' : ''}`,
  );
  if (profile) {
    const auth = profile.vaultAuth?.method ?? 'token';
    io.stdout(
      `  vault       ${profile.vaultAddr ?? 'VAULT_ADDR'}${profile.vaultNamespace ? `, namespace ${profile.vaultNamespace}` : ''}, login ${auth}${profile.vaultCaCert ? `, CA ${profile.vaultCaCert}` : ''}`,
    );
    io.stdout(
      `  kubernetes  ${profile.kubeContext ? `context ${profile.kubeContext}` : 'current context'}${profile.kubeconfig ? ` in ${profile.kubeconfig}` : ''}`,
    );
    if (profile.allowInsecureTls) io.stdout('  allows insecure TLS');
  }
  for (const { runbook, inputs } of shown) {
    io.stdout(`\n${runbook}`);
    const width = Math.max(...inputs.map((i) => i.name.length));
    for (const i of inputs) {
      const from = `${SOURCE_TEXT[i.source]}${i.where ? ` ${i.where}` : ''}`;
      io.stdout(`  ${i.name.padEnd(width)}  ${i.value ?? '—'}${i.secret ? ' (secret)' : ''}  ← ${from}`);
    }
  }
  return 0;
}
