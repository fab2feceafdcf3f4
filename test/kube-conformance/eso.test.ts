// External Secrets conformance: the controller's watch-driven self-heal, its label, its
// condition messages and its Events, as external-secrets/external-secrets writes them.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { KubeEmulator } from '../../src/sandbox/kubernetes/index.js';
import { api, eventually, guideVault, startTestKube, type FakeVault } from '../support/kube.js';
import { ESO, fixture } from './fixture.js';

const NS = 'harmonyflow-production';
const CONTROLLER = `${ESO}:pkg/controllers/externalsecret/externalsecret_controller.go`;
let kube: KubeEmulator;
let vault: FakeVault;

beforeAll(async () => {
  vault = guideVault();
  kube = await startTestKube(vault);
  await eventually('the guide ExternalSecrets to sync', () =>
    kube.list('ExternalSecret', NS).every((es) => (es.status as any)?.refreshTime),
  );
});
afterAll(() => kube.close());

const secretPath = (name: string) => `/api/v1/namespaces/${NS}/secrets/${name}`;
const dataOf = (name: string) => kube.get('Secret', NS, name)?.data as Record<string, string> | undefined;

describe('External Secrets', () => {
  fixture(
    'the target Secret carries reconcile.external-secrets.io/managed: "true"',
    `${ESO}:apis/externalsecrets/v1/externalsecret_types.go (LabelManaged, LabelManagedValue)`,
    async () => {
      const secret = kube.get('Secret', NS, 'session-state-service-secrets')!;
      expect(secret.metadata.labels).toMatchObject({ 'reconcile.external-secrets.io/managed': 'true' });
    },
  );

  fixture(
    'a deleted target Secret comes back at once, although refreshInterval (1h) has not elapsed',
    `${CONTROLLER} (WatchesMetadata on Secrets with the managed label; isSecretValid)`,
    async () => {
      const before = kube.get('Secret', NS, 'session-state-service-secrets')!;
      expect(
        (await api(kube, secretPath('session-state-service-secrets'), { method: 'DELETE' })).status,
      ).toBe(200);
      const back = await eventually('the Secret to be written again', () => {
        const s = kube.get('Secret', NS, 'session-state-service-secrets');
        return s && s.metadata.uid !== before.metadata.uid ? s : undefined;
      });
      expect(back.data).toEqual(before.data);
    },
  );

  fixture(
    'an edited target Secret is put back with Vault’s data (its data-hash no longer matches)',
    `${CONTROLLER} (isSecretValid compares AnnotationDataHash with the hash of the data)`,
    async () => {
      const before = dataOf('session-state-service-secrets')!;
      const edit = await api(kube, secretPath('session-state-service-secrets'), {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { data: { 'jwt-secret': Buffer.from('tampered').toString('base64') } },
      });
      expect(edit.status).toBe(200);
      await eventually(
        'the edit to be undone',
        () => dataOf('session-state-service-secrets')?.['jwt-secret'] === before['jwt-secret'],
      );
    },
  );

  fixture('Ready says "secret synced" once synced', `${CONTROLLER} (msgSynced)`, async () => {
    const es = kube.get('ExternalSecret', NS, 'session-state-service-jwt')!;
    expect((es.status as any).conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'True',
      reason: 'SecretSynced',
      message: 'secret synced',
    });
  });

  fixture(
    'a failed read says "could not get secret data from provider"; the detail is a Warning Event UpdateFailed',
    `${CONTROLLER} (markAsFailed: msgErrorGetSecretData, recorder.Event(Warning, ReasonUpdateFailed, err))`,
    async () => {
      const saved = vault.secrets.get('harmonyflow/admin')!;
      vault.secrets.delete('harmonyflow/admin');
      try {
        await api(
          kube,
          `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets/session-state-service-admin`,
          {
            method: 'PATCH',
            contentType: 'application/merge-patch+json',
            body: { metadata: { annotations: { 'force-sync': 'probe' } } },
          },
        );
        const ready = await eventually('the sync to fail', () => {
          const c = (kube.get('ExternalSecret', NS, 'session-state-service-admin')!.status as any)
            .conditions[0];
          return c.status === 'False' ? c : undefined;
        });
        expect(ready).toMatchObject({
          reason: 'SecretSyncedError',
          message: 'could not get secret data from provider',
        });
        const events = await api(
          kube,
          `/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent('involvedObject.name=session-state-service-admin,type=Warning')}`,
        );
        expect(events.status).toBe(200);
        expect(events.body.items[0]).toMatchObject({
          type: 'Warning',
          reason: 'UpdateFailed',
          involvedObject: { kind: 'ExternalSecret', name: 'session-state-service-admin', namespace: NS },
          source: { component: 'external-secrets' },
        });
        expect(events.body.items[0].message).toMatch(/key: harmonyflow\/admin, err: Secret does not exist$/);
      } finally {
        vault.secrets.set('harmonyflow/admin', saved);
      }
    },
  );

  fixture(
    'a sync that wrote the Secret leaves a Normal Event (Created "secret created" / Updated "secret updated")',
    `${CONTROLLER} (eventCreated, eventUpdated)`,
    async () => {
      const events = await api(
        kube,
        `/api/v1/namespaces/${NS}/events?fieldSelector=${encodeURIComponent('involvedObject.kind=ExternalSecret,reason=Created')}`,
      );
      expect(events.body.items.length).toBeGreaterThan(0);
      expect(events.body.items[0]).toMatchObject({ type: 'Normal', message: 'secret created', count: 1 });
    },
  );
});
