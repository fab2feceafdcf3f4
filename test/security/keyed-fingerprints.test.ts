import { createHash, createHmac } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionKey } from '../../src/engine/session-key.js';
import { readJournal } from '../../src/journal/journal-reader.js';
import { markdownReport } from '../../src/ui/markdown-report.js';
import { guideSecrets } from '../../src/sandbox/guide-secrets.js';
import { dataHash } from '../../src/sandbox/kubernetes/eso-hash.js';
import { startSandboxWorld } from '../../src/sandbox/world.js';
import { createPlainReporter } from '../../src/ui/plain-reporter.js';
import { killAndResume } from '../support/crash.js';
import { runCli, tempHome } from '../support/cli.js';
import { runInSandbox } from '../support/sandbox-run.js';

// Issue 12, finding 6: a 9-word list recovered the old Redis password `summer2024` from a
// journal, because rotor named passwords by unkeyed SHA-256 (and journalled the digests ACL
// GETUSER lists, and plain SHA-256 of Kubernetes Secret data). Every name of a secret is now an
// HMAC under the session's key, which lives in its own file and never in the journal.

const OLD = 'summer2024';
const WORDS = [
  'password',
  'letmein',
  'changeme',
  'hunter2',
  'qwerty123',
  'welcome1',
  'summer2023',
  OLD,
  'winter2024',
];
const fast = { sync_timeout_seconds: '30', rollout_timeout_seconds: '30' };

const digest = (algorithm: string, value: string | Buffer, encoding: 'hex' | 'base64') =>
  createHash(algorithm).update(value).digest(encoding);

/** What an attacker with the journal alone can compute from a guess: every unkeyed hash rotor ever used, and HMACs under anything public. */
function guesses(word: string, secretKeys: readonly string[], publicStrings: readonly string[]): string[] {
  const out: string[] = [];
  for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) {
    out.push(digest(algorithm, word, 'hex'), digest(algorithm, word, 'base64'));
  }
  for (const name of secretKeys) {
    // The Kubernetes adapter's digest of a one-key Secret, and External Secrets' data-hash.
    const bytes = Buffer.from(word);
    out.push(digest('sha256', Buffer.concat([Buffer.from(`${name}\0${bytes.length}\0`), bytes]), 'hex'));
    out.push(dataHash({ [name]: bytes.toString('base64') }));
  }
  for (const key of publicStrings) out.push(createHmac('sha256', key).update(word).digest('hex'));
  return out;
}

/** The guesses found in a text: 12 hex digits (the old fingerprint's length) or 16 base64 characters suffice. */
function matches(text: string, candidates: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return candidates.filter((c) =>
    /^[0-9a-f]+$/.test(c) ? lower.includes(c.slice(0, 12)) : text.includes(c.slice(0, 16)),
  );
}

/** Every string value of the journal's records: what an attacker would try as an HMAC key. */
function stringsOf(journal: string): string[] {
  const found = new Set<string>(['', 'rotor', 'redis', 'default']);
  const walk = (v: unknown): void => {
    if (typeof v === 'string' && v.length < 200) found.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const line of journal.split('\n').filter(Boolean)) walk(JSON.parse(line));
  return [...found];
}

describe('finding 6: no unkeyed hash of a secret in a journal, on screen or in a report', () => {
  it('a 9-word list holding the old Redis password matches nothing rotor wrote; only the key file ties them', async () => {
    const secrets = guideSecrets();
    secrets.kv['harmonyflow/redis'] = { password: OLD };
    const run = await runInSandbox('redis', { inputs: { ...fast, mode: 'acl' }, secrets });
    try {
      expect(run.failures).toEqual([]);
      expect(run.outcome).toMatchObject({ status: 'succeeded' });
      const screen: string[] = [];
      const report = createPlainReporter((line) => screen.push(line));
      run.events.forEach(report);
      const texts = {
        journal: run.journal,
        screen: `${screen.join('\n')}\n${JSON.stringify(run.events)}`,
        report: markdownReport(run.sessionId, readJournal(run.journalDir, run.sessionId)),
      };
      const publicStrings = stringsOf(run.journal);
      const names = ['password']; // the one key of the Secret External Secrets writes

      // The scan is not blind: the fingerprint rotor used to print for this password is caught.
      const oldFingerprint = `sha256:${digest('sha256', OLD, 'hex').slice(0, 12)}`;
      expect(matches(oldFingerprint, guesses(OLD, names, []))).not.toEqual([]);

      for (const [where, text] of Object.entries(texts)) {
        const found = WORDS.flatMap((word) =>
          matches(text, guesses(word, names, publicStrings)).map((h) => `${word} → ${h} (${where})`),
        );
        expect(found, `${where} holds a hash a word list can match`).toEqual([]);
      }

      // The journal does name the old password (which nodes held it, and the backup's value),
      // but only under the session's key, which is in its own file and nowhere in what was written.
      const keyPath = join(run.keyDir, `${run.sessionId}.key`);
      const bytes = readFileSync(keyPath);
      const key = new SessionKey(bytes);
      expect(run.journal).toContain(key.fingerprint(OLD));
      expect(run.journal).toContain(key.hmac(OLD));
      expect(texts.screen).toContain(key.fingerprint(OLD));
      for (const text of Object.values(texts)) {
        expect(text).not.toContain(bytes.toString('hex'));
        expect(text).not.toContain(bytes.toString('base64').slice(0, 16));
        expect(text).not.toContain(bytes.toString('base64url').slice(0, 16));
      }
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(run.keyDir).mode & 0o777).toBe(0o700);
    } finally {
      await run.close();
    }
  }, 120_000);

  it('a resumed session hashes the same value as the original session did', async () => {
    const world = await startSandboxWorld({ readinessDelayMs: 20 });
    try {
      const old = String(world.sandbox.vault.kvRead('harmonyflow/redis')!.data.password);
      const run = await killAndResume(
        world,
        'redis',
        { ...fast, mode: 'acl' },
        { stepId: 'drop-old', at: 'between' },
      );
      expect(run.killed).toBe(true);
      expect(run.outcome).toMatchObject({ status: 'succeeded' });
      const journal = readJournal(run.journalDir, run.sessionId);
      const resumedAt = journal.records.findIndex((r) => r.type === 'session-resumed');
      expect(resumedAt).toBeGreaterThan(0);
      // The backup step read Vault's current password in both processes: one value, one HMAC.
      const backupHash = (records: typeof journal.records) =>
        records
          .filter((r) => r.type === 'step-succeeded' && r.stepId === 'backup')
          .map((r) => (r.outputs as { data: { password: string } }).data.password);
      const before = backupHash(journal.records.slice(0, resumedAt));
      const after = backupHash(journal.records.slice(resumedAt));
      expect(before).toHaveLength(1);
      expect(after).toHaveLength(1);
      expect(after[0]).toBe(before[0]);
      const key = new SessionKey(readFileSync(join(run.journalDir, 'keys', `${run.sessionId}.key`)));
      expect(before[0]).toBe(key.hmac(old));
      // The old password's fingerprint from before the kill is what the resumed drop step removed.
      const outputsOf = (stepId: string) =>
        JSON.stringify(
          journal.records.find((r) => r.type === 'step-succeeded' && r.stepId === stepId)?.outputs,
        );
      expect(journal.records.findIndex((r) => r.stepId === 'add-password')).toBeLessThan(resumedAt);
      expect(outputsOf('add-password')).toContain(key.fingerprint(old));
      expect(outputsOf('drop-old')).toContain(key.fingerprint(old));
    } finally {
      await world.close();
    }
  }, 180_000);

  it('rotor keeps each session key in <ROTOR_HOME>/keys, apart from the journals, and prints it nowhere', async () => {
    const { home, cleanup } = tempHome();
    try {
      const run = await runCli(['run', 'demo', '--env', 'sandbox', '--yes', '--set', 'grace_seconds=0'], {
        ROTOR_HOME: home,
      });
      expect(run.code, run.stderr).toBe(0);
      const [journalFile] = readdirSync(join(home, 'sessions'));
      const id = journalFile.replace(/\.jsonl$/, '');
      expect(readdirSync(join(home, 'sessions'))).toEqual([journalFile]);
      expect(readdirSync(join(home, 'keys'))).toEqual([`${id}.key`]);
      const keyPath = join(home, 'keys', `${id}.key`);
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(join(home, 'keys')).mode & 0o777).toBe(0o700);
      const bytes = readFileSync(keyPath);
      expect(bytes).toHaveLength(32);
      const journal = readFileSync(join(home, 'sessions', journalFile), 'utf8');
      // The demo's generated secret is in the journal, as an HMAC only.
      const hashed = journal.match(/hmac-sha256:[0-9a-f]{64}/g) ?? [];
      expect(hashed.length).toBeGreaterThan(0);
      const report = await runCli(['sessions', 'show', id, '--markdown'], { ROTOR_HOME: home });
      for (const text of [journal, run.stdout, run.stderr, report.stdout]) {
        expect(text).not.toContain(bytes.toString('hex'));
        expect(text).not.toContain(bytes.toString('base64').slice(0, 16));
      }
    } finally {
      cleanup();
    }
  }, 60_000);
});
