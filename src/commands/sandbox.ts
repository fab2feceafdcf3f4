import { applyFaults, checkFaults } from '../sandbox/faults.js';
import type { Io } from './io.js';

/**
 * `rotor sandbox`: serves the embedded world on local ports so curl, kubectl, the Vault CLI or
 * another `rotor run --env local` can look at it, and prints the variables to point them there.
 * The token printed is the sandbox's own root token: it opens nothing but this process.
 */
export async function serveSandbox(
  options: { state?: string; fault: string[]; tls?: boolean; forward?: string[] },
  io: Io,
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
  try {
    applyFaults(world.sandbox, options.fault);
  } catch (error) {
    await world.close();
    throw error;
  }
  const { vault, kube } = world.sandbox;
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
  io.stdout(`# unseal key shares (any ${vault.threshold}): ${vault.unsealKeys.join(' ')}`);
  io.stdout('# export these lines in another shell; Ctrl+C stops the sandbox.');
  await new Promise<void>((resolve) => {
    const stop = io.onSignal(() => {
      stop();
      resolve();
    });
  });
  await auth?.remove();
  await world.close();
  return 0;
}
