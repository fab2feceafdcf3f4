import { UsageError } from '../errors.js';
import { storeLocationFromEnv } from '../policy/store-layout.js';
import { diagnoseToken, type DoctorCheck } from '../policy/token-doctor.js';
import type { PolicyRole } from '../policy/vault-policy.js';
import type { RotorContext } from './context.js';
import type { Io } from './io.js';

const LABEL: Record<DoctorCheck['status'], string> = {
  ok: 'ok',
  warn: 'warn',
  fail: 'fail',
  'not-judged': 'not judged',
};

/** A name that goes into a Vault path as one plain piece: no globs, no dot segments, no edges. */
function checkName(value: string, option: string, example: string): string {
  const bad =
    value === '' ||
    /[*+\s\\]|[\u0000-\u001f\u007f]/.test(value) ||
    value.startsWith('/') ||
    value.endsWith('/') ||
    value.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad)
    throw new UsageError(
      `${option} "${value}" is not a plain Vault path`,
      `give it without globs, dot segments or slashes at the ends, e.g. ${option} ${example}`,
    );
  return value;
}

/**
 * `rotor doctor [--env NAME]`: one line per check of the environment's Vault token (see
 * src/policy/token-doctor.ts). Exit 0 when every check is ok (or could not be judged), 1 when a
 * warning or failure was found, 2 for bad usage.
 */
export async function doctorCommand(
  ctx: RotorContext,
  options: { env?: string; role?: string; prefix?: string; transitKey?: string },
  io: Io,
): Promise<number> {
  const role = (options.role ?? 'operator') as PolicyRole;
  if (role !== 'operator' && role !== 'cronjob')
    throw new UsageError(`unknown role "${options.role}"`, 'use --role operator or --role cronjob');
  const teamPrefix = checkName(options.prefix ?? 'harmonyflow', '--prefix', 'harmonyflow');
  const transitKey = checkName(options.transitKey ?? 'session-state', '--transit-key', 'session-state');
  await ctx.prepareEnvironment(options.env);
  const environment = ctx.environment(options.env ?? ctx.defaultEnvironment());
  const { connectEnvironment } = await import('../session/connect.js');
  const world = await connectEnvironment(
    environment,
    environment.name === 'local' ? [] : ctx.profiles(),
    ctx.env,
  );
  try {
    if (!world.ports.vault)
      throw new UsageError(
        `environment ${environment.name} has no Vault configured`,
        'set VAULT_ADDR and VAULT_TOKEN, or use a profile with --vault-addr',
      );
    const checks = await diagnoseToken(world.ports.vault, role, {
      teamPrefix,
      transitKey,
      store: storeLocationFromEnv(ctx.env),
      lockPrefix: ctx.env.ROTOR_VAULT_PREFIX || 'rotor',
    });
    for (const c of checks) io.stdout(`${LABEL[c.status].padEnd(10)}  ${c.check}: ${c.message}`);
    return checks.some((c) => c.status === 'warn' || c.status === 'fail') ? 1 : 0;
  } finally {
    await world.close();
  }
}
