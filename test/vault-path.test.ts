import { describe, expect, it } from 'vitest';
import { parseEngineName, parseKvPath, parseMount, VaultPathError } from '../src/vault-path/index.js';

const refusal = (fn: () => unknown): VaultPathError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultPathError);
    return error as VaultPathError;
  }
  throw new Error('expected a refusal');
};

describe('the one Vault path type', () => {
  it('accepts the spellings the shipped runbooks and the sandbox use, as they are', () => {
    for (const p of [
      'harmonyflow/admin',
      'harmonyflow/redis.pending',
      'rotor/locks/harmonyflow/x',
      'a',
      'team_1/db-main@eu',
    ]) {
      expect(parseKvPath(p)).toEqual({ mount: 'secret', path: p });
    }
    expect(parseKvPath('secret/x', { mount: 'kv' })).toEqual({ mount: 'kv', path: 'secret/x' });
    expect(parseEngineName('harmonyflow')).toBe('harmonyflow');
    expect(parseMount('kv/team')).toBe('kv/team');
  });

  it.each([
    ['', 'is empty'],
    ['../../harmonyflow/admin', 'has a ".." segment'],
    ['harmonyflow/./admin', 'has a "." segment'],
    ['harmonyflow//admin', 'has an empty segment'],
    ['/harmonyflow/admin', 'starts with "/"'],
    ['harmonyflow/admin/', 'ends with "/"'],
    ['harmonyflow/%2e%2e/admin', 'holds a percent-encoding'],
    ['harmonyflow%2fadmin', 'holds a percent-encoding'],
    ['harmonyflow/admin\u0000', 'holds a control character'],
    [' harmonyflow/admin', 'starts or ends with whitespace'],
    ['harmony flow/admin', 'has a character'],
    ['harmonyflow\uff0fadmin', 'has a character'],
    ['harmonyflow/\u2024\u2024/admin', 'has a character'],
    ['harmonyflow\\..\\admin', 'holds a backslash'],
    ['a/'.repeat(300) + 'a', 'is longer than 512'],
  ])('refuses %j: %s', (text, problem) => {
    const error = refusal(() => parseKvPath(text, { input: 'input secret_path' }));
    expect(error.message).toContain('input secret_path: ');
    expect(error.message).toContain(problem);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
  });

  it('refuses the API spellings with the mount-relative path to use', () => {
    for (const part of ['data', 'metadata']) {
      const error = refusal(() => parseKvPath(`secret/${part}/harmonyflow/redis`));
      expect(error.message).toContain(`is the API's spelling (secret/${part}/…)`);
      expect(error.hint).toBe('give the path inside the mount "secret": harmonyflow/redis');
    }
  });

  it('refuses a leading mount name as ambiguous, naming both readings', () => {
    const error = refusal(() => parseKvPath('secret/harmonyflow/redis'));
    expect(error.message).toContain(
      'is ambiguous: it may mean harmonyflow/redis in the mount "secret", or a key named secret/harmonyflow/redis inside that mount',
    );
    expect(error.hint).toContain('write harmonyflow/redis');
  });

  it("refuses engine names that are paths, and Vault's own mounts", () => {
    expect(refusal(() => parseEngineName('../../sys/seal', 'input connection')).message).toBe(
      'input connection: "../../sys/seal" has a ".." segment',
    );
    expect(refusal(() => parseEngineName('sys/seal')).message).toContain('is a path, not a name');
    expect(refusal(() => parseMount('sys')).message).toContain('is Vault\'s own "sys/" path');
    expect(refusal(() => parseMount('auth/token')).message).toContain('"auth/"');
  });
});
