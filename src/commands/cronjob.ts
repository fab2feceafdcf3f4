import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import type { RotorContext } from '../services/rotor-context.js';
import { CHECK_CRONJOB_DEFAULTS, checkCronJob } from './check-cronjob.js';
import { cronJobManifest, type CronJobOptions } from './cronjob-manifest.js';
import type { Io } from './io.js';
import { rotorVersion } from '../services/version.js';

/** Flags of `rotor cronjob`, as commander hands them over. */
export interface CronJobFlags extends Partial<Omit<CronJobOptions, 'tokenFrom'>> {
  tokenFrom?: string;
  /** Create or update it in this environment (kubernetes.apply-cronjob in a journalled session). */
  apply?: string;
  yes?: boolean;
  confirmEnv?: string;
  /** A CronJob that runs `rotor check` instead of due rotations. */
  check?: boolean;
}

export function cronJobOptions(flags: CronJobFlags): CronJobOptions {
  const o: CronJobOptions = {
    name: flags.name ?? (flags.check ? CHECK_CRONJOB_DEFAULTS.name : 'secret-rotation'),
    namespace: flags.namespace ?? 'vault',
    schedule: flags.schedule ?? (flags.check ? CHECK_CRONJOB_DEFAULTS.schedule : '0 2 1 * *'),
    serviceAccount: flags.serviceAccount ?? 'vault-init',
    image: flags.image ?? `harmonyflow/rotor:${rotorVersion()}`,
    env: flags.env ?? 'local',
    vaultAddr: flags.vaultAddr ?? 'https://vault.vault:8200',
    tokenSecret: flags.tokenSecret ?? 'vault-admin-token',
    tokenFrom: (flags.tokenFrom ?? 'volume') as CronJobOptions['tokenFrom'],
  };
  if (o.tokenFrom !== 'volume' && o.tokenFrom !== 'env')
    throw new UsageError(`--token-from ${o.tokenFrom}: expected volume or env`);
  // Kubernetes takes five fields (or a macro); a six-field (seconds) cron would be refused on apply.
  const macro = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(o.schedule.trim());
  if (!macro) {
    let valid = o.schedule.trim().split(/\s+/).length === 5;
    try {
      CronExpressionParser.parse(o.schedule);
    } catch {
      valid = false;
    }
    if (!valid)
      throw new UsageError(
        `--schedule "${o.schedule}" is not a five-field cron expression`,
        'e.g. "0 2 1 * *" (02:00 on the 1st of every month, as the guide)',
      );
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.name) || o.name.length > 52)
    throw new UsageError(
      `--name ${o.name}: a CronJob name is lower-case letters, digits and "-", at most 52 characters`,
    );
  return o;
}

/** A one-step runbook that applies the manifest, so --apply gets approvals, a journal and undo like any run. */
function applyRunbook(manifest: Record<string, unknown>, o: CronJobOptions): string {
  return stringify({
    id: 'cronjob-apply',
    title: `Install the automated-rotation CronJob ${o.namespace}/${o.name}`,
    steps: [
      {
        id: 'apply',
        title: `Create or update CronJob ${o.namespace}/${o.name} (schedule "${o.schedule}")`,
        do: 'kubernetes.apply-cronjob',
        with: { namespace: o.namespace, manifest },
      },
    ],
    on_failure: 'rollback',
  });
}

/** `rotor cronjob`: prints the CronJob manifest for automated rotation; `--apply <env>` installs it. */
export async function cronJobCommand(ctx: RotorContext, flags: CronJobFlags, io: Io): Promise<number> {
  const options = cronJobOptions(flags);
  const rotation = cronJobManifest(options);
  const manifest = flags.check ? checkCronJob(rotation, options) : rotation;
  if (!flags.apply) {
    io.stdout(stringify(manifest, { lineWidth: 0 }).trimEnd());
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'rotor-cronjob-'));
  try {
    const file = join(dir, 'cronjob-apply.yaml');
    writeFileSync(file, applyRunbook(manifest, options), { mode: 0o600 });
    const { runCommand } = await import('./run.js');
    return await runCommand(
      ctx,
      file,
      { env: flags.apply, set: [], yes: flags.yes, confirmEnv: flags.confirmEnv },
      io,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
