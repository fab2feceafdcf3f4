import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubePort } from '../../src/ports/kubernetes-port.js';
import type { VaultPort } from '../../src/ports/vault-port.js';
import { Secret } from '../../src/engine/secret.js';
import type { Plan } from '../../src/engine/types.js';
import { SANDBOX_HOSTS } from '../../src/sandbox/guide-secrets.js';
import { checkPlanTargets } from '../../src/sandbox/plan-targets.js';
import { startSandboxWorld } from '../../src/sandbox/world.js';
import { UsageError } from '../../src/errors.js';
import { runCli, tempHome } from '../support/cli.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { runInSandbox } from '../support/sandbox-run.js';

// Issue 12, finding 5: with a real server's admin URL exported for secret inputs, a sandbox drill
// ran ALTER ROLE on that server. The sandbox now reads no ROTOR_INPUT_*, and refuses any address
// that is not its own before the first step, unless the operator passes --allow-real-targets.

const ROLE = 'harmonyflow';
const ROLE_PASSWORD = 'real-role-password-1';

async function query<T>(cluster: PostgresCluster, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({
    connectionString: cluster.url(cluster.superuser, cluster.superuserPassword),
  });
  await client.connect();
  try {
    await client.query("SET log_statement = 'none'");
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The role's stored verifier: it changes with any password change, even to the same password. */
async function verifier(cluster: PostgresCluster): Promise<string> {
  const rows = await query<{ rolpassword: string }>(
    cluster,
    'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
    [ROLE],
  );
  return rows[0]?.rolpassword ?? '(no such role)';
}

/** The record types of every journal under this home: a refusal is journalled, nothing more. */
function journalled(home: string): string[] {
  let files: string[] = [];
  try {
    files = readdirSync(join(home, 'sessions'));
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(join(home, 'sessions', f), 'utf8')
      .trim()
      .split('\n')
      .map((line) => String((JSON.parse(line) as { type: string }).type)),
  );
}

describe('sandbox drills never change a real server by accident (issue 12, finding 5)', () => {
  let cluster: PostgresCluster;
  let before: string;
  const homes: Array<() => void> = [];
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    await query(cluster, `CREATE ROLE ${ROLE} LOGIN PASSWORD '${ROLE_PASSWORD}'`);
    before = await verifier(cluster);
  }, 90_000);
  afterAll(async () => {
    await cluster?.close();
  });
  afterEach(() => homes.splice(0).forEach((c) => c()));
  const home = () => {
    const h = tempHome();
    homes.push(h.cleanup);
    return h.home;
  };

  it('ROTOR_INPUT_ADMIN_URL is not read in the sandbox: the drill rotates the stand-in and the real role keeps its password', async () => {
    const h = home();
    const r = await runCli(
      [
        'run',
        'postgres',
        '--env',
        'sandbox',
        '--yes',
        '--set',
        'sync_timeout_seconds=10',
        '--set',
        'rollout_timeout_seconds=20',
      ],
      { ROTOR_HOME: h, ROTOR_INPUT_ADMIN_URL: cluster.url(cluster.superuser, cluster.superuserPassword) },
      90_000,
    );
    expect(r.stderr).toContain('ROTOR_INPUT_ADMIN_URL is not read in the sandbox');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stderr + r.stdout).not.toContain(cluster.superuserPassword);
    expect(await verifier(cluster)).toBe(before);
    expect(await cluster.readLog()).not.toMatch(/ALTER ROLE/i);
  }, 120_000);

  it('an input naming the real server is refused before the first step: exit 2, one message naming the input, the address and the flag', async () => {
    const h = home();
    const r = await runCli(
      [
        'run',
        'postgres',
        '--env',
        'sandbox',
        '--yes',
        '--set',
        `db_url=postgres://127.0.0.1:${cluster.port}/postgres`,
      ],
      { ROTOR_HOME: h },
    );
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
    const message = r.stderr.trim().split('\n')[0];
    expect(message).toContain('input db_url');
    expect(message).toContain(`127.0.0.1:${cluster.port}`);
    expect(r.stderr).toContain('--allow-real-targets');
    expect(r.stdout).not.toMatch(/step|✓/);
    expect(journalled(h)).toEqual(['session-opened', 'session-refused']);
    expect(await verifier(cluster)).toBe(before);
  }, 120_000);

  it('a secret admin URL typed for a drill is refused the same way, and the role keeps its password', async () => {
    const refused = runInSandbox('postgres', {
      inputs: {
        admin_url: new Secret(cluster.url(cluster.superuser, cluster.superuserPassword), 'inputs.admin_url'),
      },
    });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toThrow(`input admin_url dials 127.0.0.1:${cluster.port}`);
    await expect(refused).rejects.not.toThrow(cluster.superuserPassword);
    expect(await verifier(cluster)).toBe(before);
  });

  it('--allow-real-targets lets the drill reach the real server on purpose', async () => {
    const run = await runInSandbox('postgres', {
      allowRealTargets: true,
      inputs: {
        admin_url: new Secret(cluster.url(cluster.superuser, cluster.superuserPassword), 'inputs.admin_url'),
        db_url: `postgres://127.0.0.1:${cluster.port}/postgres`,
        sync_timeout_seconds: '10',
        rollout_timeout_seconds: '20',
      },
      // The role holds the password the sandbox's Vault has, as a real one would.
      prepare: async (w) => {
        const current = String(w.sandbox.vault.kvRead('harmonyflow/postgresql')!.data.password);
        await query(cluster, `ALTER ROLE ${ROLE} PASSWORD '${current.replace(/'/g, "''")}'`);
      },
    });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome.status).toBe('succeeded');
      const now = String(run.world.sandbox.vault.kvRead('harmonyflow/postgresql')!.data.password);
      const rows = await query<{ ok: number }>(cluster, 'SELECT 1 AS ok');
      expect(rows).toEqual([{ ok: 1 }]);
      const login = new pg.Client({ connectionString: cluster.url(ROLE, now) });
      await login.connect();
      await login.end();
      expect(await verifier(cluster)).not.toBe(before);
    } finally {
      await run.close();
    }
  });
});

describe('one target guard covers every kind of target a sandbox session dials', () => {
  let world: Awaited<ReturnType<typeof startSandboxWorld>>;
  let bystander: Server;
  let bystanderUrl = '';
  let hits = 0;
  beforeAll(async () => {
    world = await startSandboxWorld({ readinessDelayMs: 10 });
    // A real server on this machine that no drill may reach.
    bystander = createServer((_req, res) => {
      hits++;
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((ready) => bystander.listen(0, '127.0.0.1', ready));
    bystanderUrl = `http://127.0.0.1:${(bystander.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    bystander?.close();
    await world?.close();
  });
  const fast = { timeoutMs: 2000 };
  const ports = () => world.ports;

  it('PostgreSQL, Redis, RabbitMQ (management and AMQP) and HTTP refuse a real address when dialled', async () => {
    const secret = (text: string) => new Secret(text, 'test');
    await expect(
      ports().postgres!.admin({ url: secret('postgres://u:pw-123@127.0.0.1:5432/postgres'), ...fast }),
    ).rejects.toThrow(/PostgreSQL dials 127\.0\.0\.1:5432, which is not one of the sandbox's/);
    await expect(
      ports().postgres!.tryLogin({ url: secret('postgres:///postgres'), ...fast }, 'r', secret('p')),
    ).rejects.toThrow(/PostgreSQL dials no host/);
    await expect(ports().redis!.open('127.0.0.1:6379', {}, fast)).rejects.toThrow(
      /Redis node dials 127\.0\.0\.1:6379/,
    );
    const api = { url: 'http://127.0.0.1:15672', username: 'guest', password: secret('guest'), ...fast };
    await expect(ports().rabbitmq!.getUser(api, 'guest')).rejects.toThrow(
      /RabbitMQ management API dials 127\.0\.0\.1:15672/,
    );
    await expect(
      ports().rabbitmq!.amqpLogin({ url: 'amqp://127.0.0.1:5672', ...fast }, 'guest', secret('guest')),
    ).rejects.toThrow(/RabbitMQ AMQP dials 127\.0\.0\.1:5672/);
    await expect(
      ports().http.request({ method: 'GET', url: `${bystanderUrl}/v1/health`, ...fast }),
    ).rejects.toBeInstanceOf(UsageError);
    expect(hits, 'the bystander server was dialled').toBe(0);
    // The sandbox's own servers and stand-ins still answer.
    const own = await ports().http.request({
      method: 'GET',
      url: `${world.sandbox.service.url}/v1/health`,
      ...fast,
    });
    expect(own.status).toBe(200);
    const node = SANDBOX_HOSTS.redisNodes[0];
    expect(await ports().redis!.tryAuth(node, { password: secret('wrong') }, fast)).toBe(false);
  });

  it('a PostgreSQL URL whose ?host= or ?port= names a real server is judged by what the client dials, not by its authority', async () => {
    const secret = (text: string) => new Secret(text, 'test');
    // The authority names the sandbox's own Vault emulator; the query sends the client elsewhere.
    const own = new URL(world.sandbox.vault.url).host;
    const bystanderPort = new URL(bystanderUrl).port;
    await expect(
      ports().postgres!.admin({
        url: secret(`postgres://u:pw-123@${own}/postgres?host=127.0.0.1&port=${bystanderPort}`),
        ...fast,
      }),
    ).rejects.toThrow(`PostgreSQL dials 127.0.0.1:${bystanderPort}, which is not one of the sandbox's`);
    await expect(
      ports().postgres!.tryLogin(
        { url: secret(`postgres://u@${own}/postgres?port=${bystanderPort}`), ...fast },
        'r',
        secret('p'),
      ),
    ).rejects.toThrow(`PostgreSQL dials 127.0.0.1:${bystanderPort}`);
    // A local socket named in the query is not a sandbox target either.
    await expect(
      ports().postgres!.admin({
        url: secret(`postgres://u@${own}/postgres?host=/var/run/postgresql`),
        ...fast,
      }),
    ).rejects.toBeInstanceOf(UsageError);
    const plan = {
      inputs: { db_url: `postgresql://${own}/postgres?sslmode=disable&host=db.example.com` },
      steps: [{ id: 'ping', with: { url: '{{ inputs.db_url }}' } }],
      afterRollback: [],
    } as unknown as Plan;
    // Only the host is overridden: the client keeps the authority's port.
    expect(() => checkPlanTargets(plan, {}, ports(), world.targets!)).toThrow(
      `input db_url dials db.example.com:${new URL(world.sandbox.vault.url).port},`,
    );
  });

  it('a Vault or Kubernetes connection that is not the sandbox emulator is refused before the first step', () => {
    const plan = { inputs: {}, steps: [], afterRollback: [] } as unknown as Plan;
    const targets = world.targets!;
    expect(() => checkPlanTargets(plan, {}, ports(), targets)).not.toThrow();
    const realVault = { ...ports(), vault: { address: 'https://vault.example.com:8200' } as VaultPort };
    expect(() => checkPlanTargets(plan, {}, realVault, targets)).toThrow(
      /Vault dials vault\.example\.com:8200/,
    );
    const realKube = { ...ports(), kube: { where: 'context prod (10.0.0.1:6443)' } as KubePort };
    expect(() => checkPlanTargets(plan, {}, realKube, targets)).toThrow(/Kubernetes dials 10\.0\.0\.1:6443/);
    // The emulators' own ports are judged by the port they listen on, not by being on 127.0.0.1.
    const vaultPort = Number(new URL(world.sandbox.vault.url).port);
    const beside = { ...ports(), vault: { address: `http://127.0.0.1:${vaultPort + 1}` } as VaultPort };
    expect(() => checkPlanTargets(plan, {}, beside, targets)).toThrow(UsageError);
  });

  it("a custom runbook's literal address is refused before the first step, naming the step and parameter", async () => {
    const h = tempHome();
    try {
      const file = join(h.home, 'ping.yaml');
      writeFileSync(
        file,
        [
          'id: ping',
          'title: Ping a server',
          'steps:',
          '  - id: mark',
          '    do: generate.password',
          '    with: { bytes: 16 }',
          '  - id: ping',
          '    do: http.check',
          `    with: { url: "${bystanderUrl}/v1/health", expect_status: 200 }`,
          '',
        ].join('\n'),
      );
      const r = await runCli(['run', file, '--env', 'sandbox', '--yes'], { ROTOR_HOME: h.home });
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`step ping parameter url dials ${new URL(bystanderUrl).host}`);
      expect(hits).toBe(0);
      const allowed = await runCli(['run', file, '--env', 'sandbox', '--yes', '--allow-real-targets'], {
        ROTOR_HOME: h.home,
      });
      expect(allowed.code, `${allowed.stdout}\n${allowed.stderr}`).toBe(0);
      expect(hits).toBe(1);
    } finally {
      h.cleanup();
    }
  }, 120_000);
});

describe('what counts as an address', () => {
  const targets = { listening: ['127.0.0.1:8200'], allowReal: false };
  // Each input is dialled by a step of its own, as a runbook's url or nodes parameter would.
  const plan = (inputs: Record<string, unknown>) =>
    ({
      inputs,
      steps: Object.keys(inputs).map((name) => ({ id: name, with: { url: `{{ inputs.${name} }}` } })),
      afterRollback: [],
    }) as unknown as Plan;
  const check = (inputs: Record<string, unknown>) => () =>
    checkPlanTargets(plan(inputs), {}, { clock: undefined!, http: undefined! }, targets);

  it('URLs of every scheme rotor dials, nodes and node lists; not times, paths or secrets that only look like nodes', () => {
    expect(check({ a: 'rediss://cache.example.com' })).toThrow('input a dials cache.example.com:6379');
    expect(check({ a: 'amqps://user@mq.example.com/vhost' })).toThrow('input a dials mq.example.com:5671');
    expect(check({ a: 'redis-cluster-0.redis-production.sandbox:6379,10.0.0.7:6379' })).toThrow(
      'input a dials 10.0.0.7:6379',
    );
    expect(
      check({ a: 'http://127.0.0.1:8200/v1/sys/health', b: 'harmonyflow/redis', c: '12:30' }),
    ).not.toThrow();
    // A password that reads like host:port is never quoted back; a secret URL's host:port is.
    expect(check({ p: new Secret('relay.example:2024', 'inputs.p') })).not.toThrow();
    expect(check({ u: new Secret('postgres://admin:pw-77@db.example.com/postgres', 'inputs.u') })).toThrow(
      /^--env sandbox: input u dials db\.example\.com:5432, which/,
    );
    expect(
      check({ u: new Secret('postgres://admin:pw-77@db.example.com/postgres', 'inputs.u') }),
    ).not.toThrow(/pw-77/);
  });
});
