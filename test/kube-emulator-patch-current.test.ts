import { request } from 'node:https';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KubeEmulator } from '../src/sandbox/kubernetes/index.js';
import { api, guideVault, startTestKube } from './support/kube.js';

const NS = 'harmonyflow-production';
const NAME = 'session-state-service-redis';
const PATH = `/apis/external-secrets.io/v1beta1/namespaces/${NS}/externalsecrets/${NAME}`;

let kube: KubeEmulator;
beforeAll(async () => {
  kube = await startTestKube(guideVault());
});
afterAll(() => kube?.close());

/** Starts a merge patch whose body is sent only when the returned function is called. */
async function heldPatch(body: unknown): Promise<(() => Promise<number>) & {}> {
  const req = request(new URL(PATH, kube.url), {
    method: 'PATCH',
    ca: kube.caPem,
    headers: {
      authorization: `Bearer ${kube.token}`,
      'content-type': 'application/merge-patch+json',
      'transfer-encoding': 'chunked',
    },
  });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  // The headers reach the server (its handler starts) before the body does.
  await new Promise<void>((resolve) => req.write('', () => resolve()));
  return () => {
    req.end(JSON.stringify(body));
    return answered;
  };
}

it('a patch applies to the object as it is when its body arrives, not as it was when its headers did', async () => {
  const send = await heldPatch({ metadata: { annotations: { first: 'a' } } });
  const other = await api(kube, PATH, {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: { metadata: { annotations: { second: 'b' } } },
  });
  expect(other.status, other.text).toBe(200);
  expect(await send()).toBe(200);
  const annotations = kube.get('ExternalSecret', NS, NAME)!.metadata.annotations;
  expect(annotations, JSON.stringify(annotations)).toMatchObject({ first: 'a', second: 'b' });
});
