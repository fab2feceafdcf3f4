import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubePort, resolveKubeConfig } from '../src/adapters/kubernetes.js';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { guideVault, startTestKube } from './support/kube.js';

describe('Kubernetes adapter: kubeconfig as kubectl reads it, one clear error per failure', () => {
  let kube: KubeEmulator;
  let dir: string;
  beforeAll(async () => {
    kube = await startTestKube(guideVault());
    dir = mkdtempSync(join(tmpdir(), 'rotor-kube-test-'));
  });
  afterAll(async () => {
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('merges KUBECONFIG files, the first current-context winning, and names the contexts on a wrong one', () => {
    const other = join(dir, 'other.json');
    writeFileSync(
      other,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'staging',
        clusters: [{ name: 'staging', cluster: { server: 'https://staging.example:6443' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'staging', context: { cluster: 'staging', user: 'u' } }],
      }),
    );
    const env = { KUBECONFIG: [kube.kubeconfigPath, join(dir, 'missing.json'), other].join(':') };
    expect(resolveKubeConfig({ env }).context).toBe('rotor-sandbox');
    expect(resolveKubeConfig({ env, context: 'staging' }).server).toBe('staging.example:6443');
    expect(() => resolveKubeConfig({ env, context: 'production' })).toThrow(/has no context "production"/);
    try {
      resolveKubeConfig({ env, context: 'production' });
    } catch (error) {
      expect((error as { hint: string }).hint).toBe(
        'use one of the contexts it defines: rotor-sandbox, staging',
      );
    }
  });

  it('uses the in-cluster service account when there is no kubeconfig', async () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa);
    writeFileSync(join(sa, 'token'), kube.token);
    writeFileSync(join(sa, 'ca.crt'), kube.caPem);
    writeFileSync(join(sa, 'namespace'), 'harmonyflow-production');
    const port = new URL(kube.url).port;
    const options = {
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port },
      home: dir,
      serviceAccountDir: sa,
    };
    expect(resolveKubeConfig(options).namespace).toBe('harmonyflow-production');
    const digest = await createKubePort(options).secretDigest({
      namespace: 'harmonyflow-production',
      name: 'session-state-service-secrets',
    });
    expect(digest?.hash.reveal()).toMatch(/^[0-9a-f]{64}$/);
    expect(() => resolveKubeConfig({ env: {}, home: dir, serviceAccountDir: join(dir, 'none') })).toThrow(
      /no Kubernetes configuration found/,
    );
  });

  it('says which namespace is missing, which verb is forbidden, and which server is unreachable', async () => {
    const port = createKubePort({ kubeconfig: kube.kubeconfigPath });
    await expect(
      port.getWorkload('Deployment', { namespace: 'harmonyflow-prod', name: 'session-state-service' }),
    ).rejects.toThrow('namespace "harmonyflow-prod" does not exist in context rotor-sandbox');
    await expect(
      port.getWorkload('Deployment', { namespace: 'harmonyflow-production', name: 'session-state' }),
    ).rejects.toThrow('Deployment harmonyflow-production/session-state not found in context rotor-sandbox');
    await expect(port.listWorkloads('nowhere')).rejects.toThrow('namespace "nowhere" does not exist');
    const allow = kube.forbid({ verb: 'patch', resource: 'externalsecrets' });
    await expect(
      port.annotate(
        'ExternalSecret',
        { namespace: 'harmonyflow-production', name: 'session-state-service-jwt' },
        { a: 'b' },
      ),
    ).rejects.toThrow(
      'forbidden: context rotor-sandbox may not patch externalsecrets.external-secrets.io "session-state-service-jwt" in namespace harmonyflow-production (403)',
    );
    allow();
    const dead = join(dir, 'dead.json');
    writeFileSync(
      dead,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'dead',
        clusters: [{ name: 'dead', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'dead', context: { cluster: 'dead', user: 'u' } }],
      }),
    );
    await expect(
      createKubePort({ kubeconfig: dead }).getExternalSecret({ namespace: 'x', name: 'y' }),
    ).rejects.toThrow(/cannot reach the Kubernetes API server at 127.0.0.1:1 \(context dead\): ECONNREFUSED/);
  });
});
