// Kubernetes API conformance, request handling: answers the API server gives, each fixture
// citing where kubernetes/kubernetes writes that answer.
import { request } from 'node:https';
import { describe, expect } from 'vitest';
import { api } from '../support/kube.js';
import { K8S, fixture } from './fixture.js';
import { NS, SECRETS, secret, useKube } from './harness.js';

const CORE_VALIDATION = `${K8S}:pkg/apis/core/validation/validation.go`;
const kube = useKube();

describe('Secrets', () => {
  fixture(
    'an immutable Secret refuses a data change and un-setting immutable with 422',
    `${CORE_VALIDATION} (ValidateSecretUpdate)`,
    async () => {
      expect(
        (
          await api(kube(), SECRETS, {
            method: 'POST',
            body: secret('frozen', { a: '1' }, { immutable: true }),
          })
        ).status,
      ).toBe(201);
      const res = await api(kube(), `${SECRETS}/frozen`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { data: { a: Buffer.from('2').toString('base64') }, immutable: false },
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ reason: 'Invalid', code: 422 });
      expect(res.body.message).toBe(
        'Secret "frozen" is invalid: [immutable: Forbidden: field is immutable when `immutable` is set, data: Forbidden: field is immutable when `immutable` is set]',
      );
      const labelsOnly = await api(kube(), `${SECRETS}/frozen`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { still: 'allowed' } } },
      });
      expect(labelsOnly.status).toBe(200);
    },
  );

  fixture(
    'a Secret over 1 MiB (decoded) is 422 "Too long"',
    `${CORE_VALIDATION} (ValidateSecret: totalSize > core.MaxSecretSize) and staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go (TooLong)`,
    async () => {
      const big = 'x'.repeat(1024 * 1024 + 1);
      const res = await api(kube(), SECRETS, { method: 'POST', body: secret('too-big', { blob: big }) });
      expect(res.status).toBe(422);
      expect(res.body.details.causes).toEqual([
        {
          reason: 'FieldValueTooLong',
          field: 'data',
          message: 'Too long: may not be more than 1048576 bytes',
        },
      ]);
      const exact = await api(kube(), SECRETS, {
        method: 'POST',
        body: secret('just-fits', { blob: 'x'.repeat(1024 * 1024) }),
      });
      expect(exact.status).toBe(201);
    },
  );
});

describe('Secret stringData', () => {
  fixture(
    'a merge patch with stringData writes data (stringData is merged into data on write)',
    `${K8S}:pkg/apis/core/v1/conversion.go (Convert_v1_Secret_To_core_Secret)`,
    async () => {
      await api(kube(), SECRETS, { method: 'POST', body: secret('string-data', { k: 'v1' }) });
      const res = await api(kube(), `${SECRETS}/string-data`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { stringData: { k: 'v2' } },
      });
      expect(res.status).toBe(200);
      expect(res.body.stringData).toBeUndefined();
      expect(Buffer.from((kube().get('Secret', NS, 'string-data')!.data as any).k, 'base64').toString()).toBe(
        'v2',
      );
    },
  );
});

describe('DELETE preconditions', () => {
  fixture(
    'a stale preconditions.resourceVersion is 409 Conflict and the object stays',
    `${K8S}:staging/src/k8s.io/apiserver/pkg/storage/interfaces.go (Preconditions.Check)`,
    async () => {
      const created = await api(kube(), SECRETS, { method: 'POST', body: secret('guarded', { a: '1' }) });
      const rv = created.body.metadata.resourceVersion;
      await api(kube(), `${SECRETS}/guarded`, {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { touched: 'yes' } } },
      });
      const res = await api(kube(), `${SECRETS}/guarded`, {
        method: 'DELETE',
        body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: rv } },
      });
      expect(res.body.reason).toBe('Conflict');
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(
        new RegExp(
          `^Operation cannot be fulfilled on secrets "guarded": Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: \\d+$`,
        ),
      );
      expect(kube().get('Secret', NS, 'guarded')).toBeDefined();
      const uid = await api(kube(), `${SECRETS}/guarded`, {
        method: 'DELETE',
        body: { preconditions: { uid: 'not-its-uid' } },
      });
      expect(uid.status).toBe(409);
      expect(uid.body.message).toContain(
        'Precondition failed: UID in precondition: not-its-uid, UID in object meta: ',
      );
    },
  );
});

describe('label selectors', () => {
  fixture(
    'an invalid value is 400 with NewRequirement’s field error',
    `${K8S}:staging/src/k8s.io/apimachinery/pkg/labels/selector.go (parse, validateLabelValue)`,
    async () => {
      const res = await api(
        kube(),
        `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app=bad!value')}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.reason).toBe('BadRequest');
      expect(res.body.message).toMatch(
        /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "bad!value": a valid label must be an empty string/,
      );
      const key = await api(
        kube(),
        `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('-app=x')}`,
      );
      expect(key.status).toBe(400);
      expect(key.body.message).toMatch(
        /^unable to parse requirement: key: Invalid value: "-app": name part must/,
      );
    },
  );

  fixture(
    '`app in ()` is the set {""}, as the real parser reads it: 200, matching only an empty app label (deliberately not 400)',
    `${K8S}:staging/src/k8s.io/apimachinery/pkg/labels/selector.go (parseValues: case ClosedParToken)`,
    async () => {
      const res = await api(
        kube(),
        `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app in ()')}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      const syntax = await api(
        kube(),
        `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app in (a')}`,
      );
      expect(syntax.status).toBe(400);
    },
  );
});

describe('field validation', () => {
  fixture(
    'an unknown field is pruned with a Warning header (default Warn); fieldValidation=Strict refuses it with 400',
    `${K8S}:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go and https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation`,
    async () => {
      const warned = await api(kube(), SECRETS, {
        method: 'POST',
        body: { ...secret('pruned', { a: '1' }), stringDta: { b: '2' } },
      });
      expect(warned.status).toBe(201);
      expect(warned.headers.warning).toBe('299 - "unknown field \\"stringDta\\""');
      expect(warned.body.stringDta).toBeUndefined();
      const strict = await api(kube(), `${SECRETS}?fieldValidation=Strict`, {
        method: 'POST',
        body: { ...secret('strict', { a: '1' }), metadata: { name: 'strict', labelz: {} } },
      });
      expect(strict.status).toBe(400);
      expect(strict.body).toMatchObject({ reason: 'BadRequest', code: 400 });
      expect(strict.body.message).toBe(
        'Secret in version "v1" cannot be handled as a Secret: strict decoding error: unknown field "metadata.labelz"',
      );
      expect(kube().get('Secret', NS, 'strict')).toBeUndefined();
    },
  );

  fixture(
    'OpenAPI v3 documents the PATCH fieldValidation parameter per kind, so kubectl validates on the server',
    `${K8S}:staging/src/k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go (supportsQueryParamV3)`,
    async () => {
      const index = await api(kube(), '/openapi/v3');
      const url = index.body.paths['api/v1'].serverRelativeURL;
      const doc = await api(kube(), url);
      const patch = doc.body.paths['/api/v1/namespaces/{namespace}/secrets/{name}'].patch;
      expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Secret' });
      expect(patch.parameters).toContainEqual(
        expect.objectContaining({ name: 'fieldValidation', in: 'query' }),
      );
    },
  );
});

describe('protobuf', () => {
  fixture(
    'a Secret sent as application/vnd.kubernetes.protobuf (k8s\\0 + runtime.Unknown) is decoded',
    `${K8S}:staging/src/k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go and staging/src/k8s.io/api/core/v1/generated.proto (Secret)`,
    async () => {
      // Hand-encoded: Unknown{typeMeta{apiVersion "v1", kind "Secret"}, raw Secret{metadata{name "pb"}, data{"k": "v"}}}.
      const len = (b: Buffer) => Buffer.from([b.length]);
      const field = (n: number, b: Buffer) => Buffer.concat([Buffer.from([(n << 3) | 2]), len(b), b]);
      const str = (n: number, s: string) => field(n, Buffer.from(s));
      const meta = str(1, 'pb');
      const entry = Buffer.concat([str(1, 'k'), str(2, 'v')]);
      const raw = Buffer.concat([field(1, meta), field(2, entry)]);
      const typeMeta = Buffer.concat([str(1, 'v1'), str(2, 'Secret')]);
      const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), field(1, typeMeta), field(2, raw)]);
      const res = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = request(
          new URL(SECRETS, kube().url),
          {
            method: 'POST',
            ca: kube().caPem,
            headers: {
              authorization: `Bearer ${kube().token}`,
              'content-type': 'application/vnd.kubernetes.protobuf',
              'content-length': String(body.length),
            },
          },
          (r) => {
            let text = '';
            r.on('data', (c) => (text += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'Secret',
        metadata: { name: 'pb', namespace: NS },
        data: { k: 'dg==' },
        type: 'Opaque',
      });
    },
  );
});

describe('server-side apply', () => {
  fixture(
    'PATCH application/apply-patch+yaml creates, then updates; without fieldManager it is 422 on PatchOptions',
    `${K8S}:staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (applyPatcher) and staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidatePatchOptions)`,
    async () => {
      const path = `${SECRETS}/applied-ssa`;
      const yaml = (v: string) =>
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied-ssa\n  labels: {via: ssa}\nstringData:\n  k: ${v}\n`;
      const apply = (v: string, query = '?fieldManager=rotor-test') =>
        api(kube(), `${path}${query}`, {
          method: 'PATCH',
          contentType: 'application/apply-patch+yaml',
          body: yaml(v),
        });
      const missing = await apply('v0', '');
      expect(missing.status).toBe(422);
      expect(missing.body.message).toBe(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
      expect((await apply('v1')).status).toBe(201);
      const second = await apply('v2');
      expect(second.status).toBe(200);
      expect(Buffer.from(second.body.data.k, 'base64').toString()).toBe('v2');
      expect(second.body.metadata.labels).toEqual({ via: 'ssa' });
      const stored = kube().get('Secret', NS, 'applied-ssa')!;
      expect(Buffer.from((stored.data as any).k, 'base64').toString()).toBe('v2');
      expect(stored.metadata.resourceVersion).toBe(second.body.metadata.resourceVersion);
    },
  );
});
