import { afterAll, beforeAll } from 'vitest';
import type { KubeEmulator } from '../../src/sandbox/kubernetes/index.js';
import { eventually, guideVault, startTestKube } from '../support/kube.js';

export const NS = 'harmonyflow-production';
export const SECRETS = `/api/v1/namespaces/${NS}/secrets`;

/** Starts an emulator with the guide's cluster for the file's fixtures (optionally on its own clock); the app is ready when they run. */
export function useKube(timeScale?: number): () => KubeEmulator {
  let kube: KubeEmulator;
  beforeAll(async () => {
    kube = await startTestKube(guideVault(), timeScale === undefined ? {} : { timeScale });
    await eventually(
      'the app to be ready',
      () => (kube.get('Deployment', NS, 'session-state-service')?.status as any)?.availableReplicas === 3,
    );
  });
  afterAll(() => kube.close());
  return () => kube;
}

/** A Secret manifest with its values base64-encoded. */
export const secret = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  ...extra,
});
