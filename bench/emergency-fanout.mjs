// Figure: the `emergency` runbook over 1, 10, 100 and 1,000 secrets (sandbox, concurrency 16)
// against the 1-secret run: time should grow with secrets ÷ concurrency; peak memory (RSS) under
// 300 MB at 1,000. Each run is a fresh child process (this script with --size N), so its peak
// RSS is its own; it holds rotor and the in-process sandbox (Vault and Kubernetes emulators, the
// demo service), so the RSS is an upper bound for rotor alone. Sizes are interleaved per round.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median, report } from './lib.mjs';

const SIZES = [1, 10, 100, 1000];
const CONCURRENCY = 16;

async function child(size) {
  const { runSession, startWorld } = await import('./support/sandbox-run.mjs');
  const { withDeadline } = await import('./support/net.mjs');
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const world = await startWorld();
  try {
    // Generic KV secrets in the shapes the guide's table has: a password, an API key, a token.
    const paths = Array.from({ length: size }, (_, i) => `bench/fanout/secret-${i}`);
    paths.forEach((path, i) =>
      world.sandbox.vault.kvWrite(
        path,
        i % 3 === 0
          ? { username: `svc${i}`, password: 'p'.repeat(32) }
          : i % 3 === 1
            ? { 'api-key': 'a'.repeat(64) }
            : { token: 't'.repeat(48), host: 'svc.internal' },
      ),
    );
    let rotateStarted = 0;
    let rotateMs = 0;
    const run = await withDeadline(
      runSession(
        world,
        'emergency',
        {
          secret_paths: paths.join(','),
          concurrency: String(CONCURRENCY),
          sync_timeout_seconds: '30',
          rollout_timeout_seconds: '60',
        },
        {
          onEvent: (e) => {
            if (e.stepId !== 'rotate') return;
            if (e.type === 'step-started') rotateStarted = performance.now();
            if (e.type === 'step-succeeded') rotateMs = performance.now() - rotateStarted;
          },
        },
      ),
      300_000,
      `emergency over ${size} secrets`,
    );
    const rotated = paths.filter((p) => world.sandbox.vault.kvRead(p).version === 2).length;
    if (rotated !== size) throw new Error(`${rotated} of ${size} secrets rotated`);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(JSON.stringify({ ms: run.ms, rotateMs, peakRssMb: peak / 2 ** 20 }));
  } finally {
    clearInterval(sampler);
    await world.close();
  }
}

async function parent() {
  const execFileAsync = promisify(execFile);
  const rounds = Number(process.env.BENCH_ROUNDS_FANOUT ?? process.env.BENCH_ROUNDS ?? 3);
  const runs = new Map(SIZES.map((n) => [n, []]));
  for (let i = 0; i < rounds; i++) {
    for (const size of SIZES) {
      const { stdout } = await execFileAsync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--size', String(size)],
        { timeout: 330_000 },
      );
      runs.get(size).push(JSON.parse(stdout.trim().split('\n').at(-1)));
    }
  }
  const m = (size, key) => median(runs.get(size).map((r) => r[key]));
  const fields = {};
  for (const size of SIZES) {
    fields[`total_ms_${size}`] = m(size, 'ms');
    fields[`rotate_ms_${size}`] = m(size, 'rotateMs');
  }
  for (const size of SIZES.slice(1)) {
    // Expected growth of the fan-out: the number of waves, ceil(secrets / concurrency).
    fields[`rotate_ratio_${size}`] = m(size, 'rotateMs') / m(1, 'rotateMs');
    fields[`waves_${size}`] = Math.ceil(size / CONCURRENCY);
  }
  fields.total_ratio_1000 = m(1000, 'ms') / m(1, 'ms');
  fields.peak_rss_mb_1000 = Math.max(...runs.get(1000).map((r) => r.peakRssMb));
  fields.goal = 'rotate_ratio<=waves;peak_rss_mb_1000<300';
  report('emergency-fanout', fields);
}

const at = process.argv.indexOf('--size');
if (at > 0) await child(Number(process.argv[at + 1]));
else await parent();
