import { badRequest } from './envelope.js';
import { PolicyParseError, parseAclPolicy, type Policy } from '../../policy/vault-acl.js';

export { capabilitiesFor, type Capability, type Policy, type PolicyRule } from '../../policy/vault-acl.js';

/** Vault's built-in `default` policy, reduced to the paths rotor's clients touch. */
export const DEFAULT_POLICY_TEXT = `# Allow tokens to look up, renew and revoke themselves
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
path "sys/leases/renew" { capabilities = ["update"] }
path "sys/leases/lookup" { capabilities = ["update"] }
path "sys/renew" { capabilities = ["update"] }
`;

/** Parses a policy as `vault policy write` does; a 400 with Vault's message for bad text. */
export function parsePolicy(name: string, text: string): Policy {
  try {
    return parseAclPolicy(name, text);
  } catch (error) {
    if (error instanceof PolicyParseError) throw badRequest(error.message);
    throw error;
  }
}
