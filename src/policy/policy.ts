import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { vaultRefSchema } from '../inventory/schema.js';
import { UsageError } from '../errors.js';
import { SECRET_TYPES } from './runbook-choice.js';
import { canonicalSecretPath } from './secret-path.js';
import { VaultPathError } from '../vault-path/index.js';

export { CUSTOM_SCRIPT_RUNBOOK, RUNBOOK_FOR_TYPE, SECRET_TYPES, runbookFor } from './runbook-choice.js';
export { canonicalSecretPath } from './secret-path.js';

export const ROTATION_TYPES = ['manual', 'automatic', 'scheduled'] as const;

/** A 5-field cron expression (minute hour day-of-month month day-of-week), checked by cron-parser. */
export function checkCron(expression: string, timezone?: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5)
    return `"${expression}" has ${fields.length} fields; a cron schedule has 5: minute hour day-of-month month day-of-week (e.g. "0 2 1 * *")`;
  try {
    CronExpressionParser.parse(expression, { tz: timezone });
    return undefined;
  } catch (error) {
    return `"${expression}" is not a valid cron schedule: ${(error as Error).message}`;
  }
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const email = z.string().regex(/^[^\s@]+@[^\s@]+$/, 'an e-mail address such as oncall@example.com');

/** A rotation policy: the fields of the rotation-policy document, plus how to rotate. */
export const policySchema = z
  .object({
    secret_path: z
      .string()
      .min(1)
      .regex(/^[^\s]+$/, 'a Vault KV path without spaces, such as harmonyflow/redis')
      .superRefine((text, ctx) => {
        try {
          canonicalSecretPath(text);
        } catch (error) {
          if (!(error instanceof VaultPathError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.problem, params: { hint: error.hint } });
        }
      }),
    rotation_type: z.enum(ROTATION_TYPES),
    rotation_period_days: z.number().int().min(1, 'at least 1 day').max(3650, 'at most 3650 days').optional(),
    cron_schedule: z.string().optional(),
    timezone: z.string().default('UTC').refine(validTimezone, 'an IANA time zone such as Europe/Berlin'),
    // Absolute: a relative path would run whatever sits in the folder the CronJob starts in.
    rotation_script_path: z
      .string()
      .min(1)
      .refine((p) => p.startsWith('/'), 'an absolute path, such as /opt/rotor/rotate.sh')
      .optional(),
    is_active: z.boolean().default(true),
    notify_on_failure: z.boolean().default(true),
    notify_emails: z.array(email).default([]),
    max_retries: z.number().int().min(0).max(10).default(3),
    rollback_on_failure: z.boolean().default(true),
    secret_type: z.enum(SECRET_TYPES).default('generic'),
    runbook: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/)
      .optional(),
    // A Vault reference holds no secret, only where one is: a policy may keep it for a secret input.
    inputs: z.record(z.string(), z.union([z.string(), vaultRefSchema])).default({}),
    created_at: z.string().datetime().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (
      p.rotation_type === 'scheduled' &&
      p.rotation_period_days === undefined &&
      p.cron_schedule === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['rotation_period_days'],
        message: 'required for scheduled rotation unless cron_schedule is given',
      });
    }
    if (
      p.rotation_type === 'automatic' &&
      p.rotation_period_days === undefined &&
      p.cron_schedule === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['rotation_period_days'],
        message: 'automatic rotation needs rotation_period_days (or cron_schedule) to know how often',
      });
    }
    if (p.cron_schedule !== undefined) {
      const problem = checkCron(p.cron_schedule, p.timezone);
      if (problem) ctx.addIssue({ code: 'custom', path: ['cron_schedule'], message: problem });
    }
  });

/** A policy as given (defaults not yet applied). */
export type PolicyInput = z.input<typeof policySchema>;
/** A checked policy with defaults applied. */
export type Policy = z.output<typeof policySchema>;

/** Checks a policy; an invalid one is a usage error naming the field and the rule. */
export function parsePolicy(input: unknown, source = 'policy'): Policy {
  const parsed = policySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field =
    issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'policy');
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : `${field}: ${issue.message}`;
  throw new UsageError(
    `${source}: ${what}`,
    (issue as { params?: { hint?: string } }).params?.hint ??
      'fields: secret_path, rotation_type, rotation_period_days, cron_schedule, timezone, rotation_script_path, is_active, notify_on_failure, notify_emails, max_retries, rollback_on_failure, secret_type, runbook, inputs',
  );
}
