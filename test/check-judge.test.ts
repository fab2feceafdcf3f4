import { describe, expect, it } from 'vitest';
import type { ExternalSecretView, PodView, SecretView } from '../src/check/cluster-view.js';
import { secretChangedAt } from '../src/check/changed-at.js';
import { runDigest } from '../src/check/digest.js';
import { mappingFor } from '../src/check/eso-mapping.js';
import { judgePods } from '../src/check/judge-pods.js';
import { judgeSecret } from '../src/check/judge-secret.js';
import { checkPrometheusText } from '../src/check/prometheus.js';
import { exitCodeOf, summarize } from '../src/check/row-state.js';
import { findingLines, headerLine, rowLine, summaryLine } from '../src/check/table.js';
import type { CheckRow, Hop } from '../src/check/types.js';

const digest = runDigest();
const ready = { conditions: [{ type: 'Ready', status: 'True' }], refreshTime: '2026-01-01T00:00:10Z' };
const es = (spec: unknown, status: unknown = ready): ExternalSecretView => ({
  namespace: 'ns',
  name: 'app',
  spec,
  status,
});
const secret = (data: Record<string, string>, managedTimes: string[] = []): SecretView => ({
  namespace: 'ns',
  name: 'app',
  digests: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, digest(Buffer.from(v))])),
  managedTimes,
});
const vault = (data: Record<string, unknown>) => ({
  kind: 'ok' as const,
  version: 4,
  createdTime: '2026-01-01T00:00:00Z',
  data,
});

describe('what an ExternalSecret maps from a Vault path', () => {
  it('compares only the keys mapped from the path: data[].remoteRef.property and dataFrom extract', () => {
    const spec = {
      target: { name: 'app' },
      data: [
        { secretKey: 'DB_PASSWORD', remoteRef: { key: 'team/db', property: 'password' } },
        { secretKey: 'OTHER', remoteRef: { key: 'team/other', property: 'x' } },
      ],
    };
    const v = vault({ password: 'p1', username: 'u' });
    const one = es(spec);
    const agree = judgeSecret(
      'team/db',
      [one],
      new Map([[one, secret({ DB_PASSWORD: 'p1', OTHER: 'z' })]]),
      v,
      digest,
    );
    expect(agree.state).toBe('ok');
    const differs = judgeSecret(
      'team/db',
      [one],
      new Map([[one, secret({ DB_PASSWORD: 'old' })]]),
      v,
      digest,
    );
    expect(differs).toMatchObject({
      state: 'drift',
      detail: 'Secret ns/app differs from Vault v4 (DB_PASSWORD)',
    });
    const extract = es({ dataFrom: [{ extract: { key: 'team/db' } }] });
    const whole = new Map([[extract, secret({ password: 'p1', username: 'u', extra: 'kept' })]]);
    expect(judgeSecret('team/db', [extract], whole, v, digest).state).toBe('ok');
  });

  it('does not judge templates, pinned versions, whole-secret JSON or find', () => {
    expect(
      mappingFor(es({ target: { template: { data: {} } }, dataFrom: [{ extract: { key: 'p' } }] }), 'p'),
    ).toMatchObject({ kind: 'not-judged' });
    expect(
      mappingFor(
        es({ data: [{ secretKey: 'k', remoteRef: { key: 'p', property: 'a', version: '2' } }] }),
        'p',
      ),
    ).toMatchObject({
      kind: 'not-judged',
      why: 'data[0].remoteRef.version is set',
    });
    expect(mappingFor(es({ data: [{ secretKey: 'k', remoteRef: { key: 'p' } }] }), 'p')).toMatchObject({
      kind: 'not-judged',
    });
    expect(mappingFor(es({ dataFrom: [{ find: { name: { regexp: '.*' } } }] }), 'p')).toMatchObject({
      kind: 'not-judged',
    });
  });

  it('says why an ExternalSecret is not Ready, and that a Secret is missing', () => {
    const broken = es(
      { dataFrom: [{ extract: { key: 'p' } }] },
      {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'SecretSyncedError',
            message: 'could not get secret data',
          },
        ],
      },
    );
    expect(judgeSecret('p', [broken], new Map([[broken, secret({})]]), vault({}), digest).detail).toBe(
      'ExternalSecret ns/app not Ready: SecretSyncedError: could not get secret data',
    );
    const fine = es({ dataFrom: [{ extract: { key: 'p' } }] });
    expect(judgeSecret('p', [fine], new Map([[fine, { missing: true }]]), vault({}), digest).detail).toBe(
      'Secret ns/app does not exist',
    );
  });
});

describe('when a Secret changed, and which pods run with it', () => {
  const pod = (name: string, started: string, spec: unknown): PodView => ({
    namespace: 'ns',
    name,
    spec,
    containerStarts: [started],
    owner: { kind: 'ReplicaSet', name: 'web-7d4b9c6f5' },
  });
  const envSpec = { containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'app' } }] }] };
  const volumeSpec = {
    containers: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/s' }] }],
    volumes: [{ name: 'v', secret: { secretName: 'app' } }],
  };
  const subPathSpec = {
    containers: [{ name: 'c', volumeMounts: [{ name: 'v', mountPath: '/s/k', subPath: 'k' }] }],
    volumes: [{ name: 'v', secret: { secretName: 'app' } }],
  };

  it('takes the newest managedFields time, else the refresh time, and says which', () => {
    expect(
      secretChangedAt(secret({}, ['2026-01-01T00:00:05Z', '2026-01-01T00:00:20Z']), ready.refreshTime),
    ).toEqual({
      at: Date.parse('2026-01-01T00:00:20Z'),
      source: 'managedFields',
    });
    expect(secretChangedAt(secret({}), ready.refreshTime)?.source).toBe('refreshTime');
  });

  it('needs a start after the change for env and subPath readers; a mounted volume catches up after the sync period', () => {
    const one = es({ target: { name: 'app' }, dataFrom: [{ extract: { key: 'p' } }] });
    const s = secret({}, ['2026-01-01T00:01:00Z']);
    const pods = [
      pod('env-old', '2026-01-01T00:00:30Z', envSpec),
      pod('env-new', '2026-01-01T00:01:00Z', envSpec),
      pod('vol-old', '2026-01-01T00:00:30Z', volumeSpec),
      pod('sub-old', '2026-01-01T00:00:30Z', subPathSpec),
      pod('other', '2026-01-01T00:00:30Z', { containers: [{ name: 'c' }] }),
    ];
    const at = (iso: string) => judgePods([one], new Map([[one, s]]), () => pods, new Date(iso));
    const soon = at('2026-01-01T00:01:10Z');
    expect(soon.hop).toMatchObject({
      state: 'drift',
      facts: { current: 1, total: 4, changed_from: 'managedFields' },
    });
    expect(soon.consumers).toEqual(['ns/Deployment/web']);
    const later = at('2026-01-01T00:02:30Z');
    expect(later.hop.facts).toMatchObject({ current: 2, total: 4 });
  });
});

const hop = (state: Hop['state'], detail = ''): Hop => ({ state, detail });
const row = (path: string, state: CheckRow['state'], hops: Partial<CheckRow['hops']> = {}): CheckRow => ({
  secret_path: path,
  state,
  hops: { vault: hop('ok'), secret: hop('ok'), pods: hop('ok'), target: hop('none'), ...hops },
  external_secrets: [],
  consumers: [],
  age_seconds: 86_400 * 3,
  overdue_seconds: 0,
});

describe('the run as a whole', () => {
  it('exits 0 when all agree, 1 on drift or overdue, 3 when some rows were not judged and none drifted', () => {
    expect(exitCodeOf([row('a', 'agree')])).toBe(0);
    expect(exitCodeOf([row('a', 'agree'), row('b', 'unreachable')])).toBe(3);
    expect(exitCodeOf([row('a', 'forbidden'), row('b', 'not-judged')])).toBe(3);
    expect(exitCodeOf([row('a', 'unreachable'), row('b', 'overdue')])).toBe(1);
    expect(exitCodeOf([row('a', 'drift')])).toBe(1);
  });

  it('fits 80 columns and reads without colour', () => {
    const rows = [
      row('harmonyflow/a-very-long-team-folder/with-a-long-secret-name', 'drift', {
        secret: { state: 'drift', detail: 'Secret ns/x differs from Vault v2 (k)' },
        pods: { state: 'drift', detail: '', facts: { current: 10, total: 120 } },
      }),
    ];
    rows[0].broken = 'secret';
    for (const line of [headerLine(), ...rows.map(rowLine), summaryLine(summarize(rows))])
      expect(line.length).toBeLessThanOrEqual(80);
    expect(rowLine(rows[0])).toBe(
      '…older/with-a-long-secret-name ✓            ✗       ✗ 10/120  ·       drift',
    );
    expect(findingLines(rows[0])).toEqual([
      'harmonyflow/a-very-long-team-folder/with-a-long-secret-name: secret: Secret ns/x differs from Vault v2 (k)',
      '  repair: none rotor knows; see the reason above',
    ]);
    expect(summaryLine(summarize(rows))).toBe('1 secret: 0 agree, 1 drift, 0 overdue, 0 unreachable');
  });

  it('writes a Prometheus textfile: per-secret hop states, age and overdue seconds, and counts', () => {
    const rows = [row('team/a"b', 'overdue', { vault: hop('overdue') }), row('team/c', 'agree')];
    rows[0].overdue_seconds = 3600;
    const text = checkPrometheusText(rows, summarize(rows), new Date(1_700_000_000_000));
    expect(text).toContain('# TYPE rotor_check_hop_state gauge');
    expect(text).toContain('rotor_check_hop_state{secret_path="team/a\\"b",hop="vault"} 1');
    expect(text).toContain('rotor_check_hop_state{secret_path="team/c",hop="target"} 0');
    expect(text).toContain('rotor_check_overdue_seconds{secret_path="team/a\\"b"} 3600');
    expect(text).toContain('rotor_check_secret_age_seconds{secret_path="team/c"} 259200');
    expect(text).toContain('rotor_check_agree{secret_path="team/c"} 1');
    expect(text).toContain('rotor_check_secrets{state="overdue"} 1');
    expect(text).toContain('rotor_check_last_run_timestamp_seconds 1700000000');
    // Every sample line is name{labels} value, as the textfile collector parses it.
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#')))
      expect(line).toMatch(/^rotor_check_[a-z_]+(\{.*\})? \d+$/);
  });
});

describe('rotor cronjob --check', () => {
  it('runs rotor check on its own schedule, and never retries a finding (exit 1) or bad usage (exit 2)', async () => {
    const { cronJobOptions } = await import('../src/commands/cronjob.js');
    const { cronJobManifest } = await import('../src/commands/cronjob-manifest.js');
    const { checkCronJob } = await import('../src/commands/check-cronjob.js');
    for (const tokenFrom of ['volume', 'env']) {
      const o = cronJobOptions({ check: true, env: 'production', tokenFrom });
      const m = checkCronJob(cronJobManifest(o), o) as any;
      expect(m.metadata.name).toBe('secret-check');
      expect(m.spec.schedule).toBe('*/15 * * * *');
      const job = m.spec.jobTemplate.spec;
      expect(job.template.spec.restartPolicy).toBe('Never');
      expect(job.podFailurePolicy.rules[0]).toEqual({
        action: 'FailJob',
        onExitCodes: { containerName: 'check-secrets', operator: 'In', values: [1, 2] },
      });
      const c = job.template.spec.containers[0];
      expect(c.name).toBe('check-secrets');
      expect([...c.command, ...c.args].join(' ')).toContain('rotor check --json --env production');
      expect([...c.command, ...c.args].join(' ')).not.toContain('--due');
    }
  });
});
