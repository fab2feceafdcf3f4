import type { KubeEmulator, KubeObject } from './kubernetes/index.js';

type Status = { conditions?: Array<{ type: string }>; readyReplicas?: number };

/**
 * Waits until the cluster looks as one that has been running for a while: External Secrets has
 * reconciled every ExternalSecret once (Ready True, or False for a path a saved Vault state
 * lacks) and every workload has its pods ready (the application's first pods wait for their
 * Secrets). Without it a session started right after `--env sandbox` came up finds no Secrets or
 * pods yet, and a rotation's sync sees its own write arrive through the first sync.
 */
export async function untilSettled(kube: KubeEmulator, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const status = (o: KubeObject) => ((o as { status?: unknown }).status ?? {}) as Status;
  const settled = () =>
    kube
      .list('ExternalSecret')
      .every((es) => (status(es).conditions ?? []).some((c) => c.type === 'Ready')) &&
    [...kube.list('Deployment'), ...kube.list('StatefulSet')].every(
      (w) => (status(w).readyReplicas ?? 0) >= ((w.spec as { replicas?: number }).replicas ?? 1),
    );
  while (!settled()) {
    if (Date.now() > deadline)
      throw new Error(`the sandbox cluster did not settle within ${timeoutMs / 1000}s of start`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
