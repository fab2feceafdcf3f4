import { applyFaults, checkFaults } from '../sandbox/faults.js';
import type { Io } from './io.js';
import { processEnvironment } from '../environment.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../journal/state-dir.js';
import { SERVED_ENVIRONMENT } from '../sandbox/served-inventory.js';

/**
 * `rotor sandbox`: serves the embedded world on local ports so curl, kubectl, the Vault CLI or
 * another `rotor run --env local` can look at it, and prints the variables to point them there.
 * The token printed is the sandbox's own root token: it opens nothing but this process.
 */
export async function serveSandbox(
  options: { state?: string; fault: string[]; tls?: boolean; forward?: string[] },
  io: Io,
  env: Readonly<Record<string, string | undefined>> = processEnvironment(),
): Promise<number> {
  checkFaults(options.fault);
  const { parseForward, setUpKubernetesAuth } = await import('../sandbox/kubernetes-auth-setup.js');
  const forwards = (options.forward ?? []).map(parseForward);
  const { startSandboxWorld } = await import('../sandbox/world.js');
  const world = await startSandboxWorld({
    vaultStateFile: options.state,
    readinessDelayMs: 1500,
    vaultTls: options.tls === true,
    drift: true,
  });
  const { vault, kube } = world.sandbox;
  let inventory: string;
  try {
    // Before the faults: a sealed Vault (--fault vault-sealed) could not keep the admins' credentials.
    const { writeServedInventory } = await import('../sandbox/served-inventory.js');
    inventory = await writeServedInventory(world, join(stateDir(env), 'sandbox.inventory.yaml'));
    applyFaults(world.sandbox, options.fault);
  } catch (error) {
    await world.close();
    throw error;
  }
  // Real servers the operator started, reached through port-forwards to these pods' ports.
  for (const f of forwards)
    kube.forwardPort({ namespace: f.namespace, pod: f.pod, port: f.port, backend: { tcp: f.to } });
  // A sealed Vault (--fault vault-sealed) takes no configuration: Kubernetes auth waits for a restart.
  const auth = vault.isSealed() ? undefined : await setUpKubernetesAuth(vault, kube);
  io.stdout(`VAULT_ADDR=${vault.url}`);
  if (world.sandbox.vaultCaCertFile) io.stdout(`VAULT_CACERT=${world.sandbox.vaultCaCertFile}`);
  io.stdout(`VAULT_TOKEN=${vault.rootToken}`);
  io.stdout(`KUBECONFIG=${kube.kubeconfigPath}`);
  // Or log in as the CronJob would: the service account's token, Vault's Kubernetes auth.
  for (const [name, value] of Object.entries(auth?.variables ?? {})) io.stdout(`# ${name}=${value}`);
  io.stdout(`ROTOR_SERVICE_URL=${world.env.ROTOR_SERVICE_URL}`);
  io.stdout(`ROTOR_INVENTORY=${inventory}`);
  io.stdout(`# unseal key shares (any ${vault.threshold}): ${vault.unsealKeys.join(' ')}`);
  io.stdout('# export these lines in another shell; Ctrl+C stops the sandbox. Then, for example:');
  io.stdout(`#   rotor env show ${SERVED_ENVIRONMENT}`);
  io.stdout(`#   rotor run emergency --env ${SERVED_ENVIRONMENT} --yes`);
  await new Promise<void>((resolve) => {
    const stop = io.onSignal(() => {
      stop();
      resolve();
    });
  });
  await auth?.remove();
  await world.close();
  rmSync(inventory, { force: true });
  return 0;
}
