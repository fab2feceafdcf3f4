// Figure: a headless `postgres` rotation (sandbox Vault, a REAL PostgreSQL cluster with
// scram-sha-256, kubernetes=false) against a bare script doing only the necessary calls: read
// Vault, generate, ALTER ROLE with a SCRAM verifier through pg, write Vault, check the login
// (goal ≤ 1.5×). Both run in this process against the same Vault emulator and cluster, interleaved.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { median, report } from './lib.mjs';
import { withDeadline } from './support/net.mjs';
import { quoteLiteral, startPostgresCluster } from './support/postgres-cluster.mjs';
import { Secret, runSession, startWorld } from './support/sandbox-run.mjs';

const BARE_PATH = 'bench/bare-postgresql';
const BARE_ROLE = 'bench_bare';

/** The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 5802/7677), so the password never travels. */
function scramVerifier(password) {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, 4096, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$4096:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The bare rotation: the calls any rotation of this secret must make, and nothing else. */
async function bareRotation(vault, cluster) {
  const started = process.hrtime.bigint();
  const headers = { 'X-Vault-Token': vault.rootToken };
  const read = await fetch(`${vault.url}/v1/secret/data/${BARE_PATH}`, { headers });
  if (!read.ok) throw new Error(`Vault read ${read.status}`);
  const { data } = await read.json();
  const password = randomBytes(32).toString('base64');
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  try {
    await admin.query(`ALTER ROLE ${data.data.username} PASSWORD ${quoteLiteral(scramVerifier(password))}`);
  } finally {
    await admin.end();
  }
  const write = await fetch(`${vault.url}/v1/secret/data/${BARE_PATH}`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      options: { cas: data.metadata.version },
      data: { username: data.data.username, password },
    }),
  });
  if (!write.ok) throw new Error(`Vault write ${write.status}`);
  const app = new pg.Client({ connectionString: cluster.url(data.data.username, password) });
  await app.connect();
  try {
    await app.query('SELECT 1');
  } finally {
    await app.end();
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const cluster = await startPostgresCluster();
let world;
try {
  world = await startWorld();
  const { vault } = world.sandbox;
  // The roles exist on the real server with the passwords Vault holds, as in production.
  const appPassword = String(vault.kvRead('harmonyflow/postgresql').data.password);
  const barePassword = randomBytes(24).toString('base64');
  vault.kvWrite(BARE_PATH, { username: BARE_ROLE, password: barePassword });
  await cluster.admin(
    `CREATE ROLE harmonyflow LOGIN PASSWORD ${quoteLiteral(appPassword)}`,
    `CREATE ROLE ${BARE_ROLE} LOGIN PASSWORD ${quoteLiteral(barePassword)}`,
  );
  const inputs = () => ({
    admin_url: new Secret(cluster.adminUrl, 'admin url'),
    db_url: `postgres://127.0.0.1:${cluster.port}/postgres`,
    kubernetes: 'false',
  });
  const steps = new Map();
  const rotor = async () => {
    const run = await withDeadline(runSession(world, 'postgres', inputs()), 60_000, 'postgres rotation');
    for (const e of run.events)
      if (e.type === 'step-succeeded') steps.set(e.stepId, [...(steps.get(e.stepId) ?? []), e.durationMs]);
    return run.ms;
  };
  const bare = () => withDeadline(bareRotation(vault, cluster), 30_000, 'bare rotation');
  // One of each first: the first run of any code in a process pays for compiling it.
  await rotor();
  await bare();
  steps.clear();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
  const a = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await bare());
    b.push(await rotor());
  }
  const [bareMs, rotorMs] = [median(a), median(b)];
  const slowest = [...steps]
    .map(([id, ms]) => [id, median(ms)])
    .sort((x, y) => y[1] - x[1])
    .slice(0, 4)
    .map(([id, ms]) => `${id}:${ms.toFixed(0)}`)
    .join(',');
  report('postgres-rotation', {
    bare_ms: bareMs,
    rotor_ms: rotorMs,
    ratio: rotorMs / bareMs,
    goal: '<=1.5',
    slowest_steps_ms: slowest,
  });
} finally {
  await world?.close();
  await cluster.close();
}
