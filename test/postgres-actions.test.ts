import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { postgresCheckLogin } from '../src/actions/postgres/check-login.js';
import { postgresSetPassword } from '../src/actions/postgres/set-password.js';
import { postgresSwitchUser } from '../src/actions/postgres/switch-user.js';
import { pgPostgres } from '../src/adapters/postgres.js';
import { Secret } from '../src/engine/secret.js';
import { RotorError, describeError } from '../src/errors.js';
import { testContext } from './support/action-context.js';
import { freePort } from './support/free-port.js';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';

// Characters that need escaping in a URL or an SQL literal, and one that SASLprep would touch if it were not NFKC-stable.
const password = (tag: string) => `${tag}-${randomBytes(9).toString('base64url')}:@/%'ä`;

describe('postgres actions against a throwaway PostgreSQL 15 (scram-sha-256, log_statement = all)', () => {
  let cluster: PostgresCluster;
  let admin: pg.Client;
  let adminUrl: Secret;
  const ctx = () => testContext({ postgres: pgPostgres });

  /** Creates a login role with a password, outside of rotor, and returns that password. */
  async function createRole(role: string): Promise<string> {
    const initial = password('initial');
    await admin.query(`SET log_statement = 'none'`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD ${admin.escapeLiteral(initial)}`);
    return initial;
  }

  async function storedVerifier(role: string): Promise<string | null> {
    const { rows } = await admin.query<{ rolpassword: string | null }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [role],
    );
    return rows[0]?.rolpassword ?? null;
  }

  const canLogin = (role: string, pw: string) =>
    pgPostgres.tryLogin({ url: adminUrl, timeoutMs: 5000 }, role, new Secret(pw));

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    adminUrl = new Secret(cluster.url(cluster.superuser, cluster.superuserPassword), 'admin url');
    admin = new pg.Client({ connectionString: adminUrl.reveal() });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await cluster?.close();
  });

  it('rotates, proves new accepted and old refused, and undo restores the old password', async () => {
    const oldPassword = await createRole('app_rotate');
    const canary = password('CANARY');
    const params = postgresSetPassword.params.parse({
      url: adminUrl,
      role: 'app_rotate',
      password: new Secret(canary),
    });
    expect(await postgresSetPassword.check!(params, ctx())).toBe('not-done');

    const outputs = await postgresSetPassword.run(params, ctx());
    expect(outputs.previous_verifier).toBeInstanceOf(Secret);
    expect(JSON.stringify(outputs)).not.toContain('SCRAM-SHA-256$');
    expect(outputs.where).toBe(`127.0.0.1:${cluster.port}`);
    expect(await postgresSetPassword.check!(params, ctx())).toBe('done');

    const check = postgresCheckLogin.params.parse({
      url: adminUrl,
      role: 'app_rotate',
      password: new Secret(canary),
      old_password: new Secret(oldPassword),
    });
    expect(await postgresCheckLogin.run(check, ctx())).toEqual({
      role: 'app_rotate',
      new_accepted: true,
      old_refused: true,
    });

    await postgresSetPassword.undo!(params, outputs, ctx());
    expect(await canLogin('app_rotate', oldPassword)).toBe(true);
    expect(await canLogin('app_rotate', canary)).toBe(false);
  });

  it('leaves no plaintext password in a server log that records every statement', async () => {
    await createRole('app_logged');
    // No quote in this one: the server would double a quote when logging a literal, hiding a leak from toContain.
    const canary = `CANARY-${randomBytes(12).toString('hex')}`;
    const params = postgresSetPassword.params.parse({
      url: adminUrl,
      role: 'app_logged',
      password: new Secret(canary),
    });
    const outputs = await postgresSetPassword.run(params, ctx());
    await postgresSetPassword.undo!(params, outputs, ctx());
    const log = await cluster.readLog();
    // The statement was logged (so the absence below means something), with a verifier in it.
    expect(log).toMatch(/statement: ALTER ROLE "app_logged" PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(log).not.toContain(canary);
    expect(log).not.toContain(encodeURIComponent(canary));
  });

  it('describes the change without revealing anything', () => {
    const params = postgresSetPassword.params.parse({
      url: adminUrl,
      role: 'harmonyflow',
      password: new Secret('s3cret-value'),
    });
    const text = postgresSetPassword.describe(params);
    expect(text).toBe(
      `ALTER ROLE harmonyflow on 127.0.0.1:${cluster.port} (new password sent as a SCRAM-SHA-256 verifier)`,
    );
    expect(text).not.toContain(cluster.superuserPassword);
  });

  it('names an unknown role and changes nothing', async () => {
    const params = postgresSetPassword.params.parse({
      url: adminUrl,
      role: 'ghost',
      password: new Secret(password('new')),
    });
    const error = await postgresSetPassword.run(params, ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RotorError);
    expect((error as Error).message).toBe(`role ghost does not exist on 127.0.0.1:${cluster.port}`);
    const { rows } = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = 'ghost'");
    expect(rows).toHaveLength(0);
  });

  it('says the admin login was refused, without the credential, and changes nothing', async () => {
    await createRole('app_wrong_admin');
    const before = await storedVerifier('app_wrong_admin');
    const wrong = password('wrong-admin');
    const params = postgresSetPassword.params.parse({
      url: new Secret(cluster.url(cluster.superuser, wrong)),
      role: 'app_wrong_admin',
      password: new Secret(password('new')),
    });
    const error = await postgresSetPassword.run(params, ctx()).catch((e: unknown) => e);
    const text = describeError(error);
    expect(text).toContain(
      `PostgreSQL at 127.0.0.1:${cluster.port} refused the login as ${cluster.superuser}`,
    );
    expect(text).not.toContain(wrong);
    expect(await storedVerifier('app_wrong_admin')).toBe(before);
  });

  it('says the server cannot be reached, naming host and port', async () => {
    const port = await freePort();
    const params = postgresSetPassword.params.parse({
      url: new Secret(`postgres://rotor_admin:x@127.0.0.1:${port}/postgres`),
      role: 'app',
      password: new Secret(password('new')),
      timeout_ms: 3000,
    });
    const error = await postgresSetPassword.run(params, ctx()).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `cannot reach PostgreSQL at 127.0.0.1:${port} (ECONNREFUSED) while connecting as the admin role`,
    );
    expect((error as RotorError).hint).toContain('nothing was changed');
  });

  it('check-login fails clearly when the new password is refused', async () => {
    const current = await createRole('app_check');
    const params = postgresCheckLogin.params.parse({
      url: adminUrl,
      role: 'app_check',
      password: new Secret(password('never-set')),
    });
    await expect(postgresCheckLogin.run(params, ctx())).rejects.toThrow(
      `PostgreSQL at 127.0.0.1:${cluster.port} refused role app_check with the new password`,
    );
    const stillOld = postgresCheckLogin.params.parse({
      url: adminUrl,
      role: 'app_check',
      password: new Secret(current),
      old_password: new Secret(current),
    });
    await expect(postgresCheckLogin.run(stillOld, ctx())).rejects.toThrow(
      'still accepts role app_check with the old password',
    );
  });

  it('alternating roles: the idle role gets the new password, the one in use is untouched, undo restores', async () => {
    const passA = await createRole('app_a');
    const passB = await createRole('app_b');
    const verifierA = await storedVerifier('app_a');
    const next = password('next');
    const params = postgresSwitchUser.params.parse({
      url: adminUrl,
      roles: ['app_a', 'app_b'],
      current: 'app_a',
      password: new Secret(next),
    });
    expect(postgresSwitchUser.describe(params)).toBe(
      `ALTER ROLE app_b on 127.0.0.1:${cluster.port} (the idle role; app_a stays in use until the application is switched to app_b)`,
    );

    const outputs = await postgresSwitchUser.run(params, ctx());
    expect(outputs).toMatchObject({ role: 'app_b', previous_role: 'app_a' });
    expect(await canLogin('app_b', next)).toBe(true);
    expect(await canLogin('app_b', passB)).toBe(false);
    expect(await canLogin('app_a', passA)).toBe(true);
    expect(await storedVerifier('app_a')).toBe(verifierA);

    await postgresSwitchUser.undo!(params, outputs, ctx());
    expect(await canLogin('app_b', passB)).toBe(true);
    expect(await canLogin('app_b', next)).toBe(false);
  });

  it('alternating roles: refuses a current role that is neither of the two', () => {
    const params = postgresSwitchUser.params.parse({
      url: adminUrl,
      roles: ['app_a', 'app_b'],
      current: 'app_c',
      password: 'x-password',
    });
    expect(() => postgresSwitchUser.describe(params)).toThrow(
      'the role in use, app_c, is neither app_a nor app_b',
    );
  });

  it('undo after a resume explains how to recover instead of guessing', async () => {
    const params = postgresSetPassword.params.parse({
      url: adminUrl,
      role: 'app_rotate',
      password: new Secret(password('x')),
    });
    await expect(
      postgresSetPassword.undo!(params, { previous_verifier: 'hmac-sha256:00' }, ctx()),
    ).rejects.toThrow('is no longer in memory');
  });
});
