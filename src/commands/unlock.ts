import { UsageError } from '../errors.js';
import { JournalWriter, newSessionId } from '../journal/journal-writer.js';
import { VaultLocks } from '../session/locks.js';
import { parseKvPath } from '../vault-path/index.js';
import type { RotorContext } from './context.js';
import { commandWithoutValues } from './given-inputs.js';
import type { Io } from './io.js';

/**
 * `rotor unlock <secret_path> --confirm`: breaks a rotation lock whose session died. Explicit
 * confirmation is required and the break is journalled, since the other session may still be alive.
 */
export async function unlockCommand(
  ctx: RotorContext,
  text: string,
  options: { env?: string; confirm?: boolean },
  io: Io,
): Promise<number> {
  // The lock's own key: a spelling that is refused here could never have been locked.
  const path = parseKvPath(text);
  const secretPath = path.path;
  await ctx.prepareEnvironment(options.env);
  const environment = ctx.environment(options.env ?? ctx.defaultEnvironment());
  if (environment.sandbox)
    throw new UsageError(
      'the sandbox keeps its locks in its own process',
      'locks matter in a shared environment: rotor unlock <path> --env <name> (rotor env list shows them)',
    );
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
        'set VAULT_ADDR and VAULT_TOKEN, or make a profile with one: rotor env add <name> --vault-addr <url>, then pass --env <name>',
      );
    const locks = new VaultLocks(world.ports.vault, ctx.env.ROTOR_VAULT_PREFIX || 'rotor');
    const current = await locks.read(path);
    if (!current || current.released) {
      io.stdout(`${secretPath} is not locked`);
      return 0;
    }
    const who = `${current.holder.operator} since ${current.holder.since} (session ${current.holder.session})`;
    if (!options.confirm)
      throw new UsageError(
        `${secretPath} is locked by ${who}`,
        `if that session is really gone: rotor unlock ${secretPath}${options.env ? ` --env ${options.env}` : ''} --confirm (the break is journalled)`,
      );
    const holder = await locks.release(path, undefined, { force: true });
    const journal = new JournalWriter(ctx.journalDir, newSessionId());
    journal.record({
      type: 'session-opened',
      sessionId: journal.sessionId,
      operator: ctx.operator(),
      environment: environment.name,
      drill: false,
      rotorVersion: (await import('./version.js')).rotorVersion(),
      command: commandWithoutValues(io.argv),
    });
    if (holder) journal.record({ type: 'lock-broken', secretPath, holder });
    journal.close();
    io.stdout(`lock on ${secretPath} broken (was held by ${who}); recorded in ${journal.path}`);
    return 0;
  } finally {
    await world.close();
  }
}
