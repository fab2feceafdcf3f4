import { describe, expect, it } from 'vitest';
import { checkedApiPath } from '../src/adapters/vault-api-path.js';

describe('the adapter last check on generic Vault paths', () => {
  it("lets rotor's own system calls through: capabilities-self, lookup-self, reading a policy", () => {
    for (const path of [
      'sys/capabilities-self',
      'auth/token/lookup-self',
      'sys/policies/acl/rotor-operator',
      'sys/policies/acl?list=true',
      'pki/issue/harmonyflow',
    ])
      expect(checkedApiPath(path)).toBe(path);
  });

  it('refuses other Vault system paths and every escaping spelling', () => {
    for (const path of [
      'sys/seal',
      'auth/approle/role/x',
      'sys/policies/acl/../../seal',
      'pki/issue/../../sys/seal',
      'pki/%2e%2e/sys/seal',
      'sys/capabilities-self/..',
      'sys/seal?list=true',
      'sys/policies/acl?list=true&x=1',
    ])
      expect(() => checkedApiPath(path), path).toThrow();
  });
});
