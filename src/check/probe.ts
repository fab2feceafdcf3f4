import type { PostgresPort } from '../ports/postgres-port.js';
import type { RedisPort } from '../ports/redis-port.js';
import { Secret } from '../engine/secret.js';
import type { Policy } from '../policy/policy.js';
import { runbookFor } from '../policy/runbook-choice.js';
import type { VaultRead } from './judge-vault.js';
import type { Hop } from './types.js';

/** The read-only logins `--probe` makes: nothing here can change a target. */
export interface ProbePorts {
  postgres: Pick<PostgresPort, 'tryLogin'>;
  redis: Pick<RedisPort, 'tryAuth'>;
}

const TIMEOUT_MS = 5000;
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const notJudged = (detail: string): Hop => ({ state: 'not-judged', detail });

/**
 * Whether the target accepts the credential Vault holds, found from the policy's runbook and its
 * inputs (where the target is): PostgreSQL logs in and runs SELECT 1, Redis AUTH and PING on every
 * node. The password goes to the client wrapped and is never in a message.
 */
export async function probeTarget(
  ports: ProbePorts,
  policy: Policy | undefined,
  vault: VaultRead,
): Promise<Hop> {
  if (!policy) return notJudged('no policy: rotor does not know the target');
  if (vault.kind !== 'ok') return notJudged('Vault could not be read');
  const runbook = runbookFor(policy);
  // A Vault reference in a policy's inputs is a credential's place, not an address: only plain
  // values say where to log in.
  const inputs = Object.fromEntries(
    Object.entries(policy.inputs).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const password = text(vault.data.password);
  try {
    if (runbook === 'postgres') {
      if (!inputs.db_url) return notJudged('the policy has no db_url input to log in at');
      if (!password) return notJudged('Vault holds no password field');
      const role = inputs.role ?? text(vault.data.username) ?? 'postgres';
      const target = { url: new Secret(inputs.db_url, 'inputs.db_url'), timeoutMs: TIMEOUT_MS };
      const ok = await ports.postgres.tryLogin(target, role, new Secret(password, 'vault.password'));
      return ok
        ? { state: 'ok', detail: `PostgreSQL accepts ${role} (SELECT 1)` }
        : { state: 'drift', detail: `PostgreSQL refuses ${role} with the password Vault holds` };
    }
    if (runbook === 'redis') {
      if (!inputs.nodes) return notJudged('the policy has no nodes input to log in at');
      if (!password) return notJudged('Vault holds no password field');
      const nodes = inputs.nodes
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const auth = {
        ...(inputs.mode === 'acl' && inputs.user ? { username: inputs.user } : {}),
        password: new Secret(password, 'vault.password'),
      };
      const refused: string[] = [];
      for (const node of nodes)
        if (!(await ports.redis.tryAuth(node, auth, { timeoutMs: TIMEOUT_MS }))) refused.push(node);
      return refused.length
        ? { state: 'drift', detail: `Redis refuses the password Vault holds at ${refused.join(', ')}` }
        : { state: 'ok', detail: `Redis accepts it on ${nodes.length} node(s) (AUTH, PING)` };
    }
  } catch (error) {
    return { state: 'unreachable', detail: (error as Error).message.split('\n')[0] };
  }
  return notJudged(`no read-only probe for the ${runbook} runbook yet`);
}
