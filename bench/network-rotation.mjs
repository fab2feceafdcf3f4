// Figure: rotations against a Vault across a network. The sandbox as `rotor sandbox --tls` serves
// it (out of rotor's process), Vault behind a latency proxy at 0 and 50 ms round trip; rotor runs
// `api-key`, `jwt` and `redis` (three redis-server processes) headless. Per runbook:
// - TLS handshakes to Vault per session (goal ≤ 2), Kubernetes connections, Vault requests;
// - `above`: wall time above the rollout waits (wall − the steps that only wait on Kubernetes);
// - `added_ratio`: what 50 ms adds to `above` (same run, medians) ÷ (Vault requests × 50 ms),
//   goal ≤ 1.2. `above` itself also holds rotor's start (node, modules), which no latency causes.
// ROTOR_CLIS=<cli.js>,<cli.js> interleaves several builds of rotor (before/after) in one run.
import { median, report, CLI } from './lib.mjs';
import { startLatencyProxy } from './support/latency-proxy.mjs';
import { startRedisServers } from './support/redis-servers.mjs';
import { runRotor, serveSandbox } from './support/served-sandbox.mjs';
import { withDeadline } from './support/net.mjs';

const RTTS = [0, 50];
const RUNBOOKS = ['api-key', 'jwt', 'redis'];
const rounds = Number(process.env.BENCH_ROUNDS_NETWORK ?? process.env.BENCH_ROUNDS ?? 3);
const clis = (process.env.ROTOR_CLIS ?? CLI).split(',');

const world = await serveSandbox(Number(process.env.BENCH_READINESS_MS ?? 200));
const { vault, kube } = world.sandbox;
const vaultPort = Number(new URL(vault.url).port);
const redis = await startRedisServers(
  Array.from({ length: 3 }, () => ({ password: String(vault.kvRead('harmonyflow/redis').data.password) })),
);
const proxies = new Map();
for (const rtt of RTTS) proxies.set(rtt, await startLatencyProxy(vaultPort, rtt));
const sets = { 'api-key': [], jwt: [], redis: [`nodes=${redis.nodes.join(',')}`] };

/** Time in steps that only wait on Kubernetes (sync, rollouts): no Vault request in them. */
const kubeWaits = (events) =>
  events
    .filter((e) => e.type === 'step-succeeded' && e.requests?.kubernetes && !e.requests.vault)
    .reduce((ms, e) => ms + e.durationMs, 0);

const results = new Map(); // `${cli}|${runbook}@${rtt}` → runs
try {
  for (let round = 0; round < rounds; round++)
    for (const runbook of RUNBOOKS)
      for (const rtt of RTTS)
        for (const cli of clis) {
          const proxy = proxies.get(rtt);
          const before = { ...vault.counts, kube: kube.counts.connections };
          const run = await withDeadline(
            runRotor(world, `https://127.0.0.1:${proxy.port}`, runbook, sets[runbook], { cli }),
            300_000,
            `${runbook} at ${rtt} ms`,
          );
          const key = `${cli}|${runbook}@${rtt}`;
          if (!results.has(key)) results.set(key, []);
          results.get(key).push({
            ms: run.ms,
            // The old build records no per-step requests: its waits are read by step id instead.
            above: run.ms - (kubeWaits(run.events) || byId(run.events)),
            handshakes: vault.counts.handshakes - before.handshakes,
            requests: vault.counts.requests - before.requests,
            kubeConnections: kube.counts.connections - before.kube,
          });
        }
} finally {
  await Promise.all([...proxies.values()].map((p) => p.close()));
  await redis.close();
  await world.close();
}

function byId(events) {
  return events
    .filter((e) => e.type === 'step-succeeded' && ['sync', 'restart'].includes(e.stepId))
    .reduce((ms, e) => ms + e.durationMs, 0);
}

for (const cli of clis) {
  const fields = { cli: cli === CLI ? 'this build' : cli };
  const m = (key, field) => median(results.get(`${cli}|${key}`).map((r) => r[field]));
  for (const runbook of RUNBOOKS) {
    const slow = `${runbook}@50`;
    const requests = m(slow, 'requests');
    fields[`${runbook}_handshakes`] = Math.max(...results.get(`${cli}|${slow}`).map((r) => r.handshakes));
    fields[`${runbook}_kube_conns`] = Math.max(
      ...results.get(`${cli}|${slow}`).map((r) => r.kubeConnections),
    );
    fields[`${runbook}_vault_requests`] = requests;
    fields[`${runbook}_wall_0`] = m(`${runbook}@0`, 'ms');
    fields[`${runbook}_wall_50`] = m(slow, 'ms');
    fields[`${runbook}_above_0`] = m(`${runbook}@0`, 'above');
    fields[`${runbook}_above_50`] = m(slow, 'above');
    fields[`${runbook}_added_ratio`] = (m(slow, 'above') - m(`${runbook}@0`, 'above')) / (requests * 50);
  }
  fields.goal = 'handshakes<=2;added_ratio<=1.2';
  report('network-rotation', fields);
}
