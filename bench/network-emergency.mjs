// Figure: `emergency` over 10 / 100 / 1,000 secrets, concurrency 16, with Vault 50 ms away (the
// sandbox as `rotor sandbox --tls` serves it, out of rotor's process, behind the latency proxy).
// Floor = Vault requests ÷ 16 × RTT + the rollout waits (the `restart` and `restart-again` steps:
// each waits for the slowest of its rollouts); goal wall ≤ 1.5 × floor. Peak RSS of rotor's
// process alone (VmHWM), goal < 200 MB. Sizes from BENCH_EMERGENCY_SIZES (default 10,100,1000).
// ROTOR_CLI=<other build>/dist/bundle/cli.js measures another build (before/after).
import { CLI, report } from './lib.mjs';
import { startLatencyProxy } from './support/latency-proxy.mjs';
import { runRotor, serveSandbox } from './support/served-sandbox.mjs';
import { withDeadline } from './support/net.mjs';

const RTT = Number(process.env.BENCH_RTT ?? 50);
const CONCURRENCY = 16;
const SIZES = (process.env.BENCH_EMERGENCY_SIZES ?? '10,100,1000').split(',').map(Number);
const cli = process.env.ROTOR_CLI ?? CLI;

const fields = { cli: cli === CLI ? 'this build' : cli, rtt_ms: RTT };
for (const size of SIZES) {
  // A fresh sandbox per size: the 1,000-secret run must not inherit the others' versions.
  const world = await serveSandbox();
  const { vault } = world.sandbox;
  const proxy = await startLatencyProxy(Number(new URL(vault.url).port), RTT);
  try {
    const paths = Array.from({ length: size }, (_, i) => `bench/emergency/secret-${i}`);
    paths.forEach((path, i) =>
      vault.kvWrite(
        path,
        i % 3 === 0
          ? { username: `svc${i}`, password: 'p'.repeat(32) }
          : i % 3 === 1
            ? { 'api-key': 'a'.repeat(64) }
            : { token: 't'.repeat(48), host: 'svc.internal' },
      ),
    );
    const before = { ...vault.counts };
    const run = await withDeadline(
      runRotor(
        world,
        `https://127.0.0.1:${proxy.port}`,
        'emergency',
        [
          `secret_paths=${paths.join(',')}`,
          `concurrency=${CONCURRENCY}`,
          'sync_timeout_seconds=120',
          'rollout_timeout_seconds=300',
        ],
        { cli },
      ),
      900_000,
      `emergency over ${size} secrets`,
    );
    const rotated = paths.filter((p) => vault.kvRead(p).version === 2).length;
    if (rotated !== size) throw new Error(`${rotated} of ${size} secrets rotated`);
    const requests = vault.counts.requests - before.requests;
    const rollouts = run.events
      .filter((e) => e.type === 'step-succeeded' && (e.stepId === 'restart' || e.stepId === 'restart-again'))
      .reduce((ms, e) => ms + e.durationMs, 0);
    const floor = (requests / CONCURRENCY) * RTT + rollouts;
    fields[`wall_ms_${size}`] = run.ms;
    fields[`vault_requests_${size}`] = requests;
    fields[`handshakes_${size}`] = vault.counts.handshakes - before.handshakes;
    fields[`rollouts_ms_${size}`] = rollouts;
    fields[`floor_ms_${size}`] = floor;
    fields[`ratio_${size}`] = run.ms / floor;
    fields[`peak_rss_mb_${size}`] = run.peakRssMb;
  } finally {
    await proxy.close();
    await world.close();
  }
}
fields.goal = 'ratio<=1.5;peak_rss_mb<200';
report('network-emergency', fields);
