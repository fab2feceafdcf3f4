// The HCL files under deploy/vault-policies/ are what a Vault admin loads; `rotor doctor` checks a
// token against the same rules in src/policy/vault-policy.ts. Equal text keeps the two from
// drifting. ROTOR_WRITE_POLICY_FILES=1 rewrites the files from the rules.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TEMPLATE_PARAMS,
  neededRules,
  policyFileHeader,
  renderPolicyHcl,
  type PolicyRole,
} from '../src/policy/vault-policy.js';
import { parsePolicy } from '../src/sandbox/vault/policies.js';

const file = (role: PolicyRole) => resolve(import.meta.dirname, `../deploy/vault-policies/rotor-${role}.hcl`);

describe('deploy/vault-policies', () => {
  it.each(['operator', 'cronjob'] as const)('rotor-%s.hcl is the rendering of the rules', (role) => {
    const expected = renderPolicyHcl(neededRules(role, TEMPLATE_PARAMS), policyFileHeader(role));
    if (process.env.ROTOR_WRITE_POLICY_FILES === '1') writeFileSync(file(role), expected);
    expect(readFileSync(file(role), 'utf8'), 'run with ROTOR_WRITE_POLICY_FILES=1 to regenerate').toBe(
      expected,
    );
    // Vault's parser (as the emulator reads it) takes the file as it is.
    expect(parsePolicy(role, expected).rules.length).toBe(neededRules(role, TEMPLATE_PARAMS).length);
  });

  it('the CronJob cannot write rotation policies; everything else is the same as an operator', () => {
    const op = neededRules('operator', TEMPLATE_PARAMS);
    const cron = neededRules('cronjob', TEMPLATE_PARAMS);
    const differing = op.filter(
      (r, i) => JSON.stringify(r.capabilities) !== JSON.stringify(cron[i].capabilities),
    );
    expect(differing.map((r) => r.path)).toEqual(['secret/data/rotor/policies/*']);
    expect(cron.find((r) => r.path === 'secret/data/rotor/policies/*')!.capabilities).toEqual(['read']);
  });
});
