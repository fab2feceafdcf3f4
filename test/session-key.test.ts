import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../src/engine/secret.js';
import { SessionKey } from '../src/engine/session-key.js';
import { createSessionKey, resumeSessionKey, sessionKeyPath } from '../src/journal/session-key-file.js';
import { UsageError } from '../src/errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function keyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rotor-keys-'));
  dirs.push(dir);
  return join(dir, 'keys');
}

describe('session keys', () => {
  it('are created once per session, 0600 in a 0700 folder, and read back the same on resume', () => {
    const dir = keyDir();
    const first = createSessionKey(dir, '20261204-180000-abcd');
    const path = join(dir, '20261204-180000-abcd.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(path)).toHaveLength(32);
    expect(() => createSessionKey(dir, '20261204-180000-abcd')).toThrow(/EEXIST/);
    chmodSync(path, 0o644);
    const again = resumeSessionKey(dir, '20261204-180000-abcd');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(again.hmac('same value')).toBe(first.hmac('same value'));
    expect(again.fingerprint('same value')).toBe(first.fingerprint('same value'));
    const other = createSessionKey(dir, '20261204-180000-ef01');
    expect(other.hmac('same value')).not.toBe(first.hmac('same value'));
  });

  it('a session journalled without a key file resumes under a new one; a damaged file is refused with the fix', () => {
    const dir = keyDir();
    const key = resumeSessionKey(dir, 'older-session');
    expect(readFileSync(join(dir, 'older-session.key'))).toHaveLength(32);
    expect(resumeSessionKey(dir, 'older-session').hmac('x')).toBe(key.hmac('x'));
    writeFileSync(join(dir, 'cut.key'), 'short');
    expect(() => resumeSessionKey(dir, 'cut')).toThrow(/not a rotor session key \(5 bytes instead of 32\)/);
  });

  it('names only files inside its folder', () => {
    for (const id of ['../escape', '..', '.hidden', 'a/b', '', 'x\n']) {
      expect(() => sessionKeyPath('/keys', id), JSON.stringify(id)).toThrow(UsageError);
    }
  });

  it('fingerprints are keyed, short, and the same from a value or from its sha256 digest', () => {
    const key = SessionKey.random();
    const value = 'summer2024';
    const fp = key.fingerprint(new Secret(value));
    expect(fp).toMatch(/^hmac:[0-9a-f]{12}$/);
    expect(key.fingerprint(value)).toBe(fp);
    expect(key.fingerprintOfDigest(createHash('sha256').update(value).digest('hex').toUpperCase())).toBe(fp);
    expect(fp).not.toContain(createHash('sha256').update(value).digest('hex').slice(0, 12));
    expect(SessionKey.random().fingerprint(value)).not.toBe(fp);
    expect(key.hmac(value)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it('never prints itself', () => {
    const bytes = Buffer.alloc(32, 7);
    const key = new SessionKey(bytes);
    for (const shown of [String(key), JSON.stringify({ key }), inspect(key)]) {
      expect(shown).not.toContain(bytes.toString('hex'));
      expect(shown).toContain('SessionKey(…)');
    }
    expect(() => new SessionKey(Buffer.alloc(16))).toThrow(/32 bytes, not 16/);
  });
});
