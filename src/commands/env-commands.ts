import { UsageError } from '../errors.js';
import type { RotorContext } from '../services/rotor-context.js';
import type { Io } from './io.js';

/** `rotor env list`. */
export async function listEnvs(ctx: RotorContext, options: { json?: boolean }, io: Io): Promise<number> {
  await ctx.loadSettings();
  const envs = ctx.environments();
  if (options.json) io.stdout(JSON.stringify(envs, null, 2));
  else
    for (const e of envs)
      io.stdout(
        `${e.name.padEnd(14)} ${e.protected ? 'protected ' : ''}${e.sandbox ? 'sandbox ' : ''}${e.description ?? ''}`,
      );
  return 0;
}

/** `rotor env add <name>`: a profile with its Vault and Kubernetes settings. */
export async function addEnv(
  ctx: RotorContext,
  name: string,
  options: {
    protected?: boolean;
    description?: string;
    vaultAddr?: string;
    vaultNamespace?: string;
    context?: string;
    default?: boolean;
    allowInsecureTls?: boolean;
  },
  io: Io,
): Promise<number> {
  await ctx.loadSettings();
  if (name === 'sandbox' || name === 'local')
    throw new UsageError(`"${name}" is built in and cannot be redefined`, 'choose another name');
  if (!/^[a-z][a-z0-9-]*$/.test(name))
    throw new UsageError(`environment name "${name}" must be lower-case letters, digits and "-"`);
  ctx.settings.saveProfile({
    name,
    protected: options.protected === true,
    description: options.description,
    vaultAddr: options.vaultAddr,
    vaultNamespace: options.vaultNamespace,
    kubeContext: options.context,
    ...(options.allowInsecureTls ? { allowInsecureTls: true } : {}),
  });
  if (options.default) ctx.settings.defaultEnvironment = name;
  io.stdout(`environment ${name} saved${options.protected ? ' (protected)' : ''} in ${ctx.settings.path}`);
  return 0;
}

export async function removeEnv(ctx: RotorContext, name: string, io: Io): Promise<number> {
  await ctx.loadSettings();
  if (!ctx.settings.removeProfile(name))
    throw new UsageError(`no environment "${name}" to remove`, '`rotor env list` shows them');
  if (ctx.settings.defaultEnvironment === name) ctx.settings.defaultEnvironment = undefined;
  io.stdout(`environment ${name} removed`);
  return 0;
}
