// Figure: `rotor check` over 1,000 secrets against `rotor sandbox` served in its own process
// (rotor and the emulators apart, so rotor's own cost is measured), at its concurrency of 16.
// Goal: under 10 s wall and 300 MB peak RSS at 1,000; the growth from 10 to 100 to 1,000.
// Each secret is a Vault KV path, an ExternalSecret syncing it into a Secret, and a Deployment's
// pods reading 100 of those Secrets as environment: every hop is read for every secret.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, median, report } from './lib.mjs';

const execFileAsync = promisify(execFile);
const COUNT = Number(process.env.BENCH_SECRETS ?? 1000);
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000')
  .split(',')
  .map(Number)
  .filter((n) => n <= COUNT);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NS = 'bench-check';
const PER_DEPLOYMENT = 100;

const home = mkdtempSync(join(tmpdir(), 'rotor-bench-check-'));
const sandbox = spawn(process.execPath, [CLI, 'sandbox'], {
  env: { ...process.env, ROTOR_HOME: home },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const vars = await new Promise((resolve, reject) => {
  let out = '';
  sandbox.stdout.on('data', (d) => {
    out += d;
    if (out.includes('Ctrl+C stops'))
      resolve(
        Object.fromEntries(
          out
            .split('\n')
            .filter((l) => /^[A-Z_]+=/.test(l))
            .map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]),
        ),
      );
  });
  sandbox.on('close', (code) => reject(new Error(`rotor sandbox exited ${code}`)));
});

const kubeconfig = JSON.parse(readFileSync(vars.KUBECONFIG, 'utf8'));
const server = new URL(kubeconfig.clusters[0].cluster.server);
const agent = new Agent({
  ca: Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64'),
  keepAlive: true,
});
const token = kubeconfig.users[0].user.token;

/** One Kubernetes API call over the served emulator's TLS, as any client makes it. */
function kube(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: server.hostname,
        port: server.port,
        path,
        method,
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          res.statusCode < 300
            ? resolve(JSON.parse(text))
            : reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function vaultWrite(path) {
  const res = await fetch(`${vars.VAULT_ADDR}/v1/secret/data/${path}`, {
    method: 'POST',
    headers: { 'X-Vault-Token': vars.VAULT_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { password: randomBytes(16).toString('hex'), username: 'svc' } }),
  });
  if (!res.ok) throw new Error(`vault write ${path}: ${res.status}`);
}

async function inParallel(items, atOnce, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: atOnce }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const paths = Array.from({ length: COUNT }, (_, i) => `bench/svc-${String(i).padStart(4, '0')}`);
const name = (i) => `svc-${String(i).padStart(4, '0')}`;
const setupStarted = Date.now();
await inParallel(paths, 16, vaultWrite);
await kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
await inParallel(
  paths.map((p, i) => [p, i]),
  16,
  ([p, i]) =>
    kube('POST', `/apis/external-secrets.io/v1beta1/namespaces/${NS}/externalsecrets`, {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: name(i), namespace: NS },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault-backend', kind: 'ClusterSecretStore' },
        target: { name: name(i) },
        data: [{ secretKey: 'PASSWORD', remoteRef: { key: p, property: 'password' } }],
      },
    }),
);
for (let d = 0; d * PER_DEPLOYMENT < COUNT; d++) {
  const labels = { app: `bench-${d}` };
  await kube('POST', `/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `bench-${d}`, namespace: NS, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'bench/app:1',
              envFrom: paths
                .slice(d * PER_DEPLOYMENT, (d + 1) * PER_DEPLOYMENT)
                .map((_, k) => ({ secretRef: { name: name(d * PER_DEPLOYMENT + k) } })),
            },
          ],
        },
      },
    },
  });
}
// Wait until every ExternalSecret synced and every Deployment is ready.
for (;;) {
  const es = await kube('GET', `/apis/external-secrets.io/v1beta1/namespaces/${NS}/externalsecrets`);
  const deps = await kube('GET', `/apis/apps/v1/namespaces/${NS}/deployments`);
  const synced = es.items.filter((o) =>
    o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
  const ready = deps.items.filter((o) => (o.status?.readyReplicas ?? 0) >= 2).length;
  if (synced === COUNT && ready === deps.items.length) break;
  await new Promise((r) => setTimeout(r, 250));
}
report('check-setup', { secrets: COUNT, setup_s: (Date.now() - setupStarted) / 1000 });

const env = {
  ...process.env,
  VAULT_ADDR: vars.VAULT_ADDR,
  VAULT_TOKEN: vars.VAULT_TOKEN,
  KUBECONFIG: vars.KUBECONFIG,
  ROTOR_HOME: home,
  HOME: home,
};

/** One `rotor check --json` over the first n paths: wall seconds and peak RSS (GNU time), and the rows' states. */
async function once(n) {
  const args = [
    '-f',
    '%e %M',
    process.execPath,
    CLI,
    'check',
    '--env',
    'local',
    '--json',
    ...paths.slice(0, n),
  ];
  const { stdout, stderr } = await execFileAsync('/usr/bin/time', args, { env, maxBuffer: 64 << 20 }).catch(
    (e) => e,
  );
  const [wall, kb] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1));
  if (summary.total !== n || summary.agree !== n)
    throw new Error(`expected ${n} agreeing rows, got ${JSON.stringify(summary)}`);
  return { wall, mb: kb / 1024 };
}

const figures = {};
try {
  for (const n of SIZES) {
    const runs = [];
    for (let r = 0; r < ROUNDS; r++) runs.push(await once(n));
    figures[n] = { wall: median(runs.map((x) => x.wall)), mb: Math.max(...runs.map((x) => x.mb)) };
    report(`check-${n}`, { wall_s: figures[n].wall, peak_rss_mb: figures[n].mb });
  }
  const top = SIZES.at(-1);
  report('check', {
    secrets: top,
    wall_s: figures[top].wall,
    peak_rss_mb: figures[top].mb,
    goal_wall_s: 10,
    goal_rss_mb: 300,
    ...(figures[100] ? { growth_10_to_100: figures[100].wall / figures[10].wall } : {}),
    ...(figures[1000] ? { growth_100_to_1000: figures[1000].wall / figures[100].wall } : {}),
    met: figures[top].wall < 10 && figures[top].mb < 300 ? 'yes' : 'no',
  });
} finally {
  sandbox.kill('SIGINT');
  await new Promise((r) => sandbox.on('close', r));
  rmSync(home, { recursive: true, force: true });
}
