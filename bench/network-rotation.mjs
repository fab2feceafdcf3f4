// Figure: rotations against a Vault across a network. The sandbox as `rotor sandbox --tls` serves
// it (out of rotor's process), Vault behind a latency proxy at 0 and 50 ms round trip; rotor runs
// `api-key`, `jwt` and `redis` (three redis-server processes) headless. Per runbook: TLS
// handshakes to Vault per session (goal ≤ 2), Vault requests, and the time the round trips add
// (wall at 50 ms − wall at 0 ms, same run, medians) against Vault requests × RTT (goal ≤ 1.2×:
// rollout waits and CPU are in both walls and cancel out).
// ROTOR_CLI=<other build>/dist/bundle/cli.js measures another build (before/after).
import { median, report, CLI } from './lib.mjs';
import { startLatencyProxy } from './support/latency-proxy.mjs';
import { startRedisServers } from './support/redis-servers.mjs';
import { runRotor, serveSandbox } from './support/served-sandbox.mjs';
import { withDeadline } from './support/net.mjs';

const RTTS = [0, 50];
const RUNBOOKS = ['api-key', 'jwt', 'redis'];
const rounds = Number(process.env.BENCH_ROUNDS_NETWORK ?? process.env.BENCH_ROUNDS ?? 2);
const cli = process.env.ROTOR_CLI ?? CLI;

const world = await serveSandbox(Number(process.env.BENCH_READINESS_MS ?? 200));
const { vault, kube } = world.sandbox;
const vaultPort = Number(new URL(vault.url).port);
const redis = await startRedisServers(
  Array.from({ length: 3 }, () => ({ password: String(vault.kvRead('harmonyflow/redis').data.password) })),
);
const proxies = new Map();
for (const rtt of RTTS) proxies.set(rtt, await startLatencyProxy(vaultPort, rtt));
const sets = {
  'api-key': [],
  jwt: [],
  redis: [`nodes=${redis.nodes.join(',')}`],
};

const results = new Map(); // `${runbook}@${rtt}` → [{ ms, handshakes, requests, kubeConnections }]
try {
  for (let round = 0; round < rounds; round++)
    for (const runbook of RUNBOOKS)
      for (const rtt of RTTS) {
        const proxy = proxies.get(rtt);
        const before = { ...vault.counts, kube: kube.counts.connections, relayed: proxy.stats.connections };
        const run = await withDeadline(
          runRotor(world, `https://127.0.0.1:${proxy.port}`, runbook, sets[runbook], { cli }),
          300_000,
          `${runbook} at ${rtt} ms`,
        );
        const key = `${runbook}@${rtt}`;
        if (!results.has(key)) results.set(key, []);
        results.get(key).push({
          ms: run.ms,
          handshakes: vault.counts.handshakes - before.handshakes,
          relayed: proxy.stats.connections - before.relayed,
          requests: vault.counts.requests - before.requests,
          kubeConnections: kube.counts.connections - before.kube,
          stepRequests: run.events
            .filter((e) => e.type === 'step-succeeded' && e.requests)
            .reduce((n, e) => n + (e.requests.vault ?? 0), 0),
        });
      }
} finally {
  await Promise.all([...proxies.values()].map((p) => p.close()));
  await redis.close();
  await world.close();
}

const fields = { cli: cli === CLI ? 'this build' : cli };
const m = (key, field) => median(results.get(key).map((r) => r[field]));
for (const runbook of RUNBOOKS) {
  const slow = `${runbook}@50`;
  const requests = m(slow, 'requests');
  const added = m(slow, 'ms') - m(`${runbook}@0`, 'ms');
  fields[`${runbook}_handshakes`] = Math.max(...results.get(slow).map((r) => r.handshakes));
  fields[`${runbook}_kube_conns`] = Math.max(...results.get(slow).map((r) => r.kubeConnections));
  fields[`${runbook}_vault_requests`] = requests;
  fields[`${runbook}_wall_0`] = m(`${runbook}@0`, 'ms');
  fields[`${runbook}_wall_50`] = m(slow, 'ms');
  fields[`${runbook}_added_ratio`] = added / (requests * 50);
}
fields.goal = 'handshakes<=2;added_ratio<=1.2';
report('network-rotation', fields);
