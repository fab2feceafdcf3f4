import { CronExpressionParser } from 'cron-parser';
import type { Policy } from './policy.js';
import type { SecretAge } from './secret-age.js';

const DAY = 86_400_000;

/** Whether a policy is due now, when it will be next, and why, in words an operator reads. */
export interface DueState {
  due: boolean;
  /** Scheduled: the policy rotates by itself (automatic or scheduled, and active). */
  scheduled: boolean;
  next?: Date;
  reason: string;
  /** The policy's secret does not exist in Vault: nothing to rotate, and the policy needs a look. */
  missing?: boolean;
}

/**
 * When the next rotation falls, counted from the last successful one (or the policy's creation
 * when it never ran). A period alone: last + N days. A cron alone: the first slot after last.
 * Both: the first cron slot at least N days after last, so "365 days, at 03:00 on the 1st"
 * means exactly that.
 */
export function nextRotation(policy: Policy, since: Date): Date | undefined {
  const earliest =
    policy.rotation_period_days !== undefined
      ? new Date(since.getTime() + policy.rotation_period_days * DAY)
      : since;
  if (policy.cron_schedule === undefined)
    return policy.rotation_period_days !== undefined ? earliest : undefined;
  // cron-parser's next() is strictly after currentDate; step back 1 ms so a slot at `earliest` counts.
  const cron = CronExpressionParser.parse(policy.cron_schedule, {
    currentDate: new Date(earliest.getTime() - (policy.rotation_period_days !== undefined ? 1 : 0)),
    tz: policy.timezone,
  });
  return cron.next().toDate();
}

/** How the next rotation is found; bulk callers pass a cached one (see due-index.ts). */
export type NextRotation = (policy: Policy, since: Date) => Date | undefined;

/**
 * Whether a policy is due at `now`, counted from its last successful rotation; with none recorded,
 * from when Vault says the secret's current version was written (`age`), and only when that is
 * unknown from the policy's creation.
 */
export function dueState(
  policy: Policy,
  lastSuccess: Date | undefined,
  now: Date,
  next: NextRotation = nextRotation,
  age?: SecretAge,
): DueState {
  if (!policy.is_active) return { due: false, scheduled: false, reason: 'inactive' };
  if (policy.rotation_type === 'manual')
    return { due: false, scheduled: false, reason: 'manual: rotated only when an operator runs it' };
  if (!lastSuccess && age?.kind === 'missing')
    return {
      due: false,
      scheduled: true,
      missing: true,
      reason: `secret not found in Vault (${age.why}); check the policy's secret_path (rotor policy show ${policy.secret_path})`,
    };
  const written = !lastSuccess && age?.kind === 'written' ? new Date(age.created_time) : undefined;
  const since = lastSuccess ?? written ?? (policy.created_at ? new Date(policy.created_at) : now);
  const at = next(policy, since);
  if (!at) return { due: false, scheduled: false, reason: 'no period or schedule' };
  const basis = lastSuccess
    ? `last rotated ${lastSuccess.toISOString()}`
    : written && age?.kind === 'written'
      ? `last written ${written.toISOString().slice(0, 10)} (Vault version ${age.version}), no rotation recorded`
      : `never rotated; policy since ${since.toISOString()}${age?.kind === 'unknown' ? `; the secret's age in Vault is unknown: ${age.why}` : ''}`;
  const rule = [
    policy.rotation_period_days !== undefined ? `every ${policy.rotation_period_days} days` : '',
    policy.cron_schedule ? `cron "${policy.cron_schedule}" ${policy.timezone}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  if (at.getTime() <= now.getTime())
    return {
      due: true,
      scheduled: true,
      next: at,
      reason: `due since ${at.toISOString()} (${rule}; ${basis})`,
    };
  return { due: false, scheduled: true, next: at, reason: `next ${at.toISOString()} (${rule}; ${basis})` };
}

/** When the secret was last rotated, or with no rotation recorded, last written as Vault says. */
export function lastRotated(lastSuccess: string | undefined, age: SecretAge | undefined): string | undefined {
  return lastSuccess ?? (age?.kind === 'written' ? age.created_time : undefined);
}
