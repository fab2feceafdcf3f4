// Figure: `rotor due` over 10,000 rotation policies against `node -e 0` (goal: < 200 ms above it),
// 500 of them with no rotation recorded (their secret's age read from Vault's metadata).
// The policies are written shard by shard with the store's own layout and codecs from dist/ into
// (1) a Vault emulator served by this process, which `rotor due --env local` reaches over HTTP as
// it would reach a real Vault (VAULT_ADDR/VAULT_TOKEN): the figure; and (2) the sandbox's policy
// store (a state file under ROTOR_HOME), which `rotor due --env sandbox` opens in-process: shown too,
// since it also pays for starting the emulator.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, median, report, timeCommand } from './lib.mjs';

const execFileAsync = promisify(execFile);
const COUNT = Number(process.env.BENCH_POLICIES ?? 10_000);
const dist = (p) => import(join(ROOT, 'dist', 'src', p));
const [
  { startVaultEmulator },
  { parsePolicy },
  { encodePolicy },
  { encodeShard },
  layout,
  { sandboxStoreFile },
  { applyEntry, lastView },
] = await Promise.all([
  dist('sandbox/vault/index.js'),
  dist('policy/policy.js'),
  dist('policy/policy-codec.js'),
  dist('policy/shard-codec.js'),
  dist('policy/store-layout.js'),
  dist('services/stores.js'),
  dist('policy/secret-status.js'),
]);

const crons = ['0 3 * * 1', '30 2 1 * *', '0 */6 * * *', '15 4 * * 0'];
const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
const types = ['generic', 'database', 'api-key', 'certificate'];

/** 10,000 varied policies: periods and cron schedules in several zones, created over ~400 days. */
function policies(now) {
  return Array.from({ length: COUNT }, (_, i) =>
    parsePolicy({
      secret_path: `bench/team-${i % 50}/svc-${i}`,
      rotation_type: i % 10 === 0 ? 'manual' : 'scheduled',
      ...(i % 10 === 0
        ? {}
        : i % 2
          ? { cron_schedule: crons[i % crons.length], timezone: zones[i % zones.length] }
          : { rotation_period_days: 30 + (i % 60) }),
      secret_type: types[i % types.length],
      is_active: i % 25 !== 0,
      created_at: new Date(now - (i % 400) * 86_400_000).toISOString(),
    }),
  );
}

/** One success, `daysAgo` days ago, as HistoryStore folds it into a status. */
function success(path, daysAgo, now) {
  const at = new Date(now - daysAgo * 86_400_000).toISOString();
  return applyEntry(undefined, {
    secret_path: path,
    session_id: `bench-${path}`,
    runbook: 'generic',
    environment: 'bench',
    operator: 'bench@node',
    started_at: at,
    ended_at: at,
    duration_seconds: 10,
    status: 'success',
    attempt: 1,
    drill: false,
  });
}

/**
 * Writes the policies into an emulator, one KV entry per shard, as PolicyStore and HistoryStore
 * lay them out. As in a store in service: most secrets have a rotation recorded; one in 20 has
 * none, and its age comes from Vault (a secret written 200 days ago: one metadata read each).
 */
function seed(emulator) {
  const now = Date.now();
  const shards = Array.from({ length: layout.SHARDS }, () => ({}));
  const statuses = Array.from({ length: layout.SHARDS }, () => ({}));
  for (const [i, p] of policies(now).entries()) {
    const n = layout.shardOf(p.secret_path);
    shards[n][p.secret_path] = encodePolicy(p);
    if (i % 20 === 0)
      emulator.kvWrite(p.secret_path, { value: 'x' }, { createdTime: now - 200 * 86_400_000 });
    else statuses[n][p.secret_path] = success(p.secret_path, i % 120, now);
  }
  shards.forEach((map, n) => {
    const at = layout.policyShard(layout.DEFAULT_STORE, n);
    if (at.mount !== 'secret')
      throw new Error(`the policy store moved to mount ${at.mount}: update bench/due.mjs`);
    emulator.kvWrite(at.path, encodeShard(map));
    const status = layout.statusShard(layout.DEFAULT_STORE, n);
    emulator.kvWrite(status.path, encodeShard(statuses[n], { last: lastView(statuses[n]) }));
  });
}

/** The sandbox's policy store: a state file under ROTOR_HOME that `rotor due --env sandbox` opens. */
async function seedSandboxStore(home) {
  const emulator = await startVaultEmulator({ stateFile: sandboxStoreFile({ ROTOR_HOME: home }) });
  try {
    seed(emulator);
    await new Promise((r) => setTimeout(r, 50)); // the emulator saves its state on the next turn
  } finally {
    await emulator.close();
  }
}

/** `rotor due … --json`, parsed; asynchronous, since the Vault it asks is served by this process. */
async function dueJson(args, env) {
  const { stdout } = await execFileAsync(process.execPath, [CLI, 'due', ...args, '--json'], {
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

// BENCH_DUE_HOME=<dir> seeds that folder and keeps it, for `node --cpu-prof dist/bundle/cli.js due --env sandbox`.
const keep = process.env.BENCH_DUE_HOME;
if (keep) mkdirSync(keep, { recursive: true });
const home = keep ?? mkdtempSync(join(tmpdir(), 'rotor-bench-due-'));
// A Vault the CLI reaches over HTTP as it would reach the real one (`--env local`, VAULT_ADDR):
// an emulator served by this process, holding the same 10,000 policies.
const vault = await startVaultEmulator({});
try {
  await seedSandboxStore(home);
  seed(vault);
  const sandboxEnv = { ROTOR_HOME: home };
  const vaultEnv = { ROTOR_HOME: home, VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken };
  // Sanity: the CLI sees every policy both ways (and the files are warm before timing).
  for (const [args, env] of [
    [['--env', 'sandbox'], sandboxEnv],
    [['--env', 'local'], vaultEnv],
  ]) {
    const seen = (await dueJson([...args, '--all'], env)).length;
    if (seen !== COUNT)
      throw new Error(`rotor due ${args.join(' ')} --all listed ${seen} policies, expected ${COUNT}`);
  }
  const dueCount = (await dueJson(['--env', 'local'], vaultEnv)).length;

  const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
  const node = [];
  const viaVault = [];
  const viaSandbox = [];
  for (let i = 0; i < rounds; i++) {
    node.push(await timeCommand(process.execPath, ['-e', '0']));
    viaVault.push(await timeCommand(process.execPath, [CLI, 'due', '--env', 'local'], vaultEnv));
    viaSandbox.push(await timeCommand(process.execPath, [CLI, 'due', '--env', 'sandbox'], sandboxEnv));
  }
  const [baseline, rotor, sandbox] = [median(node), median(viaVault), median(viaSandbox)];
  report('due', {
    policies: COUNT,
    due: dueCount,
    node_ms: baseline,
    rotor_due_ms: rotor,
    above_node_ms: rotor - baseline,
    ratio: rotor / baseline,
    sandbox_due_ms: sandbox,
    sandbox_above_node_ms: sandbox - baseline,
    goal: 'above_node_ms<200',
  });
} finally {
  await vault.close();
  if (!keep) rmSync(home, { recursive: true, force: true });
}
