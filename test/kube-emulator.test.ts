import { statSync, existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { api, guideVault, startTestKube } from './support/kube.js';

const NS = 'harmonyflow-production';
const DEPLOY = `/apis/apps/v1/namespaces/${NS}/deployments/session-state-service`;
const ES = `/apis/external-secrets.io/v1/namespaces/${NS}/externalsecrets/session-state-service-jwt`;

describe('Kubernetes emulator: the API answers as strictly as the API server', () => {
  let kube: KubeEmulator;
  beforeAll(async () => {
    kube = await startTestKube(guideVault());
  });
  afterAll(async () => {
    const path = kube.kubeconfigPath;
    await kube.close();
    expect(existsSync(path)).toBe(false);
  });

  it('writes an owner-only kubeconfig naming context rotor-sandbox', () => {
    expect(statSync(kube.kubeconfigPath).mode & 0o777).toBe(0o600);
    const config = JSON.parse(readFileSync(kube.kubeconfigPath, 'utf8'));
    expect(config['current-context']).toBe('rotor-sandbox');
    expect(config.clusters[0].cluster.server).toBe(kube.url);
  });

  it('answers 401 without the token and serves /version without one', async () => {
    const denied = await api(kube, DEPLOY, { token: null });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((await api(kube, DEPLOY, { token: 'wrong' })).status).toBe(401);
    expect((await api(kube, '/version', { token: null })).body.major).toBe('1');
  });

  it('answers 404 with a NotFound Status naming the resource', async () => {
    const res = await api(kube, `/apis/apps/v1/namespaces/${NS}/deployments/nope`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  it('refuses to create in a missing namespace, and a duplicate', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, stringData: { a: 'b' } };
    const missing = await api(kube, '/api/v1/namespaces/ghost/secrets', { method: 'POST', body: secret });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('namespaces "ghost" not found');
    expect(
      (await api(kube, `/api/v1/namespaces/${NS}/secrets`, { method: 'POST', body: secret })).status,
    ).toBe(201);
    const again = await api(kube, `/api/v1/namespaces/${NS}/secrets`, { method: 'POST', body: secret });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('AlreadyExists');
  });

  it('stores stringData as base64 data and rejects data that is not base64', async () => {
    const stored = await api(kube, `/api/v1/namespaces/${NS}/secrets/s1`);
    expect(stored.body.data).toEqual({ a: Buffer.from('b').toString('base64') });
    expect(stored.body.stringData).toBeUndefined();
    const bad = await api(kube, `/api/v1/namespaces/${NS}/secrets`, {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's2' }, data: { a: 'not base64!' } },
    });
    expect(bad.status).toBe(400);
  });

  it('answers 409 Conflict to an update from a stale resourceVersion', async () => {
    const current = (await api(kube, `/api/v1/namespaces/${NS}/secrets/s1`)).body;
    const first = await api(kube, `/api/v1/namespaces/${NS}/secrets/s1`, {
      method: 'PUT',
      body: { ...current, stringData: { a: 'c' } },
    });
    expect(first.status).toBe(200);
    const stale = await api(kube, `/api/v1/namespaces/${NS}/secrets/s1`, {
      method: 'PUT',
      body: { ...current, stringData: { a: 'd' } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(stale.body.message).toContain('the object has been modified');
  });

  it('answers 422 with causes for an invalid object', async () => {
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'Bad_Name' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'x' } },
        template: { metadata: { labels: { app: 'y' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      },
    };
    const res = await api(kube, `/apis/apps/v1/namespaces/${NS}/deployments`, { method: 'POST', body });
    expect(res.status).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    expect(res.body.details.causes.map((c: { field: string }) => c.field)).toEqual([
      'metadata.name',
      'spec.template.metadata.labels',
    ]);
  });

  it('accepts the three patch types, strategic merge only on built-in kinds, 415 otherwise', async () => {
    const wrong = await api(kube, DEPLOY, {
      method: 'PATCH',
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/json',
    });
    expect(wrong.status).toBe(415);
    expect(wrong.body.reason).toBe('UnsupportedMediaType');
    const onCustom = await api(kube, ES, {
      method: 'PATCH',
      body: { metadata: { annotations: { a: 'b' } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(onCustom.status).toBe(415);
    const merged = await api(kube, ES, {
      method: 'PATCH',
      body: { metadata: { annotations: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(merged.body.metadata.annotations).toEqual({ a: 'b' });
    const removed = await api(kube, ES, {
      method: 'PATCH',
      body: { metadata: { annotations: { a: null } } },
      contentType: 'application/merge-patch+json',
    });
    expect(removed.body.metadata.annotations).toEqual({});
    const failedTest = await api(kube, ES, {
      method: 'PATCH',
      body: [{ op: 'test', path: '/spec/refreshInterval', value: '5m' }],
      contentType: 'application/json-patch+json',
    });
    expect(failedTest.status).toBe(422);
    const jsonPatched = await api(kube, ES, {
      method: 'PATCH',
      body: [{ op: 'replace', path: '/spec/refreshInterval', value: '2h' }],
      contentType: 'application/json-patch+json',
    });
    expect(jsonPatched.body.spec.refreshInterval).toBe('2h');
  });

  it('bumps generation on spec changes only, and a no-op patch keeps the resourceVersion', async () => {
    const before = (await api(kube, DEPLOY)).body;
    const annotated = (
      await api(kube, DEPLOY, {
        method: 'PATCH',
        body: { metadata: { annotations: { note: 'x' } } },
        contentType: 'application/strategic-merge-patch+json',
      })
    ).body;
    expect(annotated.metadata.generation).toBe(before.metadata.generation);
    const again = (
      await api(kube, DEPLOY, {
        method: 'PATCH',
        body: { metadata: { annotations: { note: 'x' } } },
        contentType: 'application/merge-patch+json',
      })
    ).body;
    expect(again.metadata.resourceVersion).toBe(annotated.metadata.resourceVersion);
    const stale = await api(kube, DEPLOY, {
      method: 'PATCH',
      body: { metadata: { resourceVersion: before.metadata.resourceVersion }, spec: { replicas: 3 } },
      contentType: 'application/merge-patch+json',
    });
    expect(stale.status).toBe(409);
    const immutable = await api(kube, DEPLOY, {
      method: 'PATCH',
      body: { spec: { selector: { matchLabels: { app: 'other' } } } },
      contentType: 'application/merge-patch+json',
    });
    expect(immutable.status).toBe(422);
  });

  it('serves External Secrets as v1 and v1beta1 and legacy discovery for kubectl', async () => {
    const beta = await api(kube, ES.replace('/v1/', '/v1beta1/'));
    expect(beta.body.apiVersion).toBe('external-secrets.io/v1beta1');
    const groups = (await api(kube, '/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'batch', 'external-secrets.io']));
    const core = (await api(kube, '/api/v1')).body.resources.map((r: { name: string }) => r.name);
    expect(core).toEqual(expect.arrayContaining(['pods', 'pods/log', 'secrets', 'namespaces']));
    expect((await api(kube, `/api/v1/namespaces/${NS}/pods/whatever/exec`)).status).toBe(404);
    expect((await api(kube, `/api/v1/namespaces/${NS}/pods`, { method: 'POST', body: {} })).status).toBe(405);
  });

  it('makes a chosen operation forbidden with the RBAC message', async () => {
    const allow = kube.forbid({ verb: 'patch', resource: 'deployments', namespace: NS });
    const res = await api(kube, DEPLOY, {
      method: 'PATCH',
      body: {},
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      `deployments.apps "session-state-service" is forbidden: User "system:serviceaccount:default:rotor-sandbox" cannot patch resource "deployments" in API group "apps" in the namespace "${NS}"`,
    );
    expect((await api(kube, DEPLOY)).status).toBe(200);
    allow();
    expect(
      (await api(kube, DEPLOY, { method: 'PATCH', body: {}, contentType: 'application/merge-patch+json' }))
        .status,
    ).toBe(200);
  });

  it('filters lists by label and field selectors, and rejects unsupported field selectors', async () => {
    const pods = await api(
      kube,
      `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app=session-state-service')}`,
    );
    expect(pods.body.kind).toBe('PodList');
    expect(pods.body.items.every((p: any) => p.metadata.labels.app === 'session-state-service')).toBe(true);
    const byName = await api(
      kube,
      `/apis/apps/v1/deployments?fieldSelector=${encodeURIComponent('metadata.name=redis')}`,
    );
    expect(byName.body.items).toEqual([]);
    expect((await api(kube, `/api/v1/namespaces/${NS}/secrets?fieldSelector=spec.x%3Dy`)).status).toBe(400);
  });
});
