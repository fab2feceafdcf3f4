import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parseScramVerifier, scramMatches, scramVerifier } from '../src/adapters/scram.js';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.js';

// The server's own SCRAM computation is the reference: for the same salt and iteration count our
// verifier must be byte-for-byte the one PostgreSQL builds from the plaintext.
describe('SCRAM-SHA-256 verifier against PostgreSQL 15', () => {
  let cluster: PostgresCluster;
  let admin: pg.Client;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    admin = new pg.Client({ connectionString: cluster.url(cluster.superuser, cluster.superuserPassword) });
    await admin.connect();
    await admin.query('CREATE ROLE scram_probe LOGIN');
  });

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await cluster?.close();
  });

  const passwords = [
    'plain-ascii-Pa55word',
    "with space and 'quote'",
    'pässwörd',
    'ﬁ\u00A0ligature',
    'x'.repeat(100),
  ];

  it.each(passwords)('matches the server for %j', async (password) => {
    await admin.query(`SET log_statement = 'none'`);
    await admin.query(`ALTER ROLE scram_probe PASSWORD ${admin.escapeLiteral(password)}`);
    const { rows } = await admin.query<{ rolpassword: string }>(
      "SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_probe'",
    );
    const server = rows[0].rolpassword;
    const parts = parseScramVerifier(server);
    expect(parts).not.toBeNull();
    expect(scramVerifier(password, { salt: parts!.salt, iterations: parts!.iterations })).toBe(server);
    expect(scramMatches(server, password)).toBe(true);
    expect(scramMatches(server, `${password}!`)).toBe(false);
  });

  it('draws a fresh salt every time', () => {
    expect(scramVerifier('same')).not.toBe(scramVerifier('same'));
  });
});
