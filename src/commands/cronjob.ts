import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import type { RotorContext } from '../services/rotor-context.js';
import { CHECK_CRONJOB_DEFAULTS, checkCronJob } from './check-cronjob.js';
import { rbacManifests, vaultRoleComment } from './cronjob-rbac.js';
import { cronJobManifest, journalClaimManifest, type CronJobOptions } from './cronjob-manifest.js';
import type { Io } from './io.js';
import { rotorVersion } from '../services/version.js';

/** Flags of `rotor cronjob`, as commander hands them over. */
export interface CronJobFlags extends Partial<Omit<CronJobOptions, 'tokenFrom' | 'parallelism' | 'touches'>> {
  tokenFrom?: string;
  touches?: string;
  parallelism?: string;
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
    serviceAccount:
      flags.serviceAccount ?? (flags.tokenFrom && flags.tokenFrom !== 'kubernetes' ? 'vault-init' : 'rotor'),
    image: flags.image ?? `harmonyflow/rotor:${rotorVersion()}`,
    env: flags.env ?? 'local',
    vaultAddr: flags.vaultAddr ?? 'https://vault.vault:8200',
    tokenSecret: flags.tokenSecret ?? 'vault-admin-token',
    tokenFrom: (flags.tokenFrom ?? 'kubernetes') as CronJobOptions['tokenFrom'],
    vaultRole: flags.vaultRole ?? 'rotor',
    vaultAuthMount: flags.vaultAuthMount ?? 'kubernetes',
    touches: (flags.touches ?? 'harmonyflow-production,postgresql,redis-production,rabbitmq-production')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
    parallelism: 1,
    journalClaim: flags.journalClaim ?? 'rotor-journals',
  };
  const parallelism = String(flags.parallelism ?? '1');
  if (!/^[1-9][0-9]?$/.test(parallelism))
    throw new UsageError(`--parallelism ${parallelism}: expected a whole number from 1 to 99`);
  o.parallelism = Number(parallelism);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.journalClaim) || o.journalClaim.length > 63)
    throw new UsageError(
      `--journal-claim ${o.journalClaim}: a claim name is lower-case letters, digits and "-"`,
    );
  if (!['kubernetes', 'volume', 'env'].includes(o.tokenFrom))
    throw new UsageError(`--token-from ${o.tokenFrom}: expected kubernetes, volume or env`);
  for (const ns of o.touches)
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63)
      throw new UsageError(`--touches ${ns}: not a namespace name`, 'a comma-separated list of namespaces');
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
    // The claim first (kubectl apply -f creates in order), the CronJob last.
    const kubernetesAuth = options.tokenFrom === 'kubernetes';
    const documents = [
      ...(kubernetesAuth ? rbacManifests(options) : []),
      journalClaimManifest(options),
      manifest,
    ];
    const yaml = documents.map((d) => stringify(d, { lineWidth: 0 }).trimEnd()).join('\n---\n');
    io.stdout(kubernetesAuth ? `${vaultRoleComment(options)}\n${yaml}` : yaml);
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
