import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubePort } from '../src/adapters/kubernetes.js';
import { forceSync } from '../src/actions/kubernetes/force-sync.js';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { testContext } from './support/action-context.js';
import { api, eventually, FakeVault, startTestKube } from './support/kube.js';

const es = (name: string, refreshInterval: string) => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name, namespace: 'default' },
  spec: {
    refreshInterval,
    secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
    target: { name: `${name}-secret` },
    data: [{ secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } }],
  },
});

describe('Kubernetes emulator controllers', () => {
  let kube: KubeEmulator;
  const vault = new FakeVault({ 'app/db': { password: 'one' } });
  beforeAll(async () => {
    kube = await startTestKube(vault, { seed: false });
  });
  afterAll(() => kube.close());
  const value = (name: string) => {
    const data = kube.get('Secret', 'default', name)?.data as Record<string, string> | undefined;
    return data && Buffer.from(data.password, 'base64').toString();
  };

  it('refreshes after refreshInterval elapses, and writes the data-hash annotation', async () => {
    kube.create(es('short', '1s'));
    await eventually('first sync', () => value('short-secret') === 'one');
    vault.write('app/db', { password: 'two' });
    await eventually('the refresh after 1s', () => value('short-secret') === 'two', 5000);
    expect(
      kube.get('Secret', 'default', 'short-secret')!.metadata.annotations![
        'reconcile.external-secrets.io/data-hash'
      ],
    ).toMatch(/^[0-9a-f]{32}$/);
  });

  it('with refreshInterval 0 syncs once and ignores force-sync afterwards; the action says so at once', async () => {
    kube.create(es('once', '0'));
    await eventually('first sync', () => value('once-secret') === 'two');
    vault.write('app/db', { password: 'three' });
    const port = createKubePort({ kubeconfig: kube.kubeconfigPath });
    await port.annotate('ExternalSecret', { namespace: 'default', name: 'once' }, { 'force-sync': '1' });
    await new Promise((r) => setTimeout(r, 200));
    expect(value('once-secret')).toBe('two');
    await expect(
      forceSync.run(
        forceSync.params.parse({ namespace: 'default', name: 'once' }),
        testContext({ kube: port }),
      ),
    ).rejects.toThrow(/refreshInterval 0 and has synced once/);
  });

  it('recreates a deleted pod: a new name for a Deployment, the same name for a StatefulSet', async () => {
    const template = {
      metadata: { labels: { app: 'w' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    };
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'w' } }, template },
    });
    kube.create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'd' } },
        template: { ...template, metadata: { labels: { app: 'd' } } },
      },
    });
    await eventually(
      'both ready',
      () =>
        (kube.get('Deployment', 'default', 'web')!.status as any)?.availableReplicas === 2 &&
        (kube.get('StatefulSet', 'default', 'db')!.status as any)?.readyReplicas === 2,
    );
    const victim = kube.list('Pod', 'default').find((p) => p.metadata.labels?.app === 'w')!.metadata.name;
    expect((await api(kube, `/api/v1/namespaces/default/pods/${victim}`, { method: 'DELETE' })).status).toBe(
      200,
    );
    await eventually(
      'a replacement',
      () =>
        kube
          .list('Pod', 'default')
          .filter((p) => p.metadata.labels?.app === 'w' && p.metadata.name !== victim).length === 2,
    );
    const uid = kube.get('Pod', 'default', 'db-1')!.metadata.uid;
    await api(kube, '/api/v1/namespaces/default/pods/db-1', { method: 'DELETE' });
    await eventually('db-1 back', () => {
      const p = kube.get('Pod', 'default', 'db-1');
      return p && p.metadata.uid !== uid;
    });
  });
});
