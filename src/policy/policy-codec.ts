import type { Policy } from './policy.js';

/** The policy document's defaults: left out when stored, put back when read. */
const DEFAULTS = {
  timezone: 'UTC',
  is_active: true,
  notify_on_failure: true,
  max_retries: 3,
  rollback_on_failure: true,
  secret_type: 'generic',
} as const;

/**
 * A policy as stored in its shard: without its path (the key) and without fields at their
 * default, so 10,000 policies stay small.
 */
export function encodePolicy(policy: Policy): Record<string, unknown> {
  const stored: Record<string, unknown> = { ...policy };
  delete stored.secret_path;
  for (const [field, value] of Object.entries(DEFAULTS)) if (stored[field] === value) delete stored[field];
  if (policy.notify_emails.length === 0) delete stored.notify_emails;
  if (Object.keys(policy.inputs).length === 0) delete stored.inputs;
  return stored;
}

/**
 * A stored policy (the record given, completed), or why it cannot be used (someone edited the
 * entry by hand). Stored policies
 * were checked by parsePolicy when written, so reading trusts them and skips the schema: with
 * 10,000 policies, re-checking every cron expression would cost seconds on each `rotor due`.
 */
export function decodePolicy(path: string, value: unknown): Policy | { broken: string } {
  const stored = value as Partial<Policy> | null;
  if (
    !stored ||
    typeof stored !== 'object' ||
    !['manual', 'automatic', 'scheduled'].includes(stored.rotation_type ?? '')
  ) {
    return {
      broken: `the stored policy of ${path} lacks a rotation_type; add it again with rotor policy add`,
    };
  }
  // Filled in place: the record was just parsed for this call, and 10,000 spreads cost more.
  const policy = stored as Record<string, unknown>;
  for (const field in DEFAULTS)
    if (policy[field] === undefined) policy[field] = DEFAULTS[field as keyof typeof DEFAULTS];
  policy.notify_emails ??= [];
  policy.inputs ??= {};
  policy.secret_path = path;
  return policy as Policy;
}

export function isBroken(value: Policy | { broken: string }): value is { broken: string } {
  return 'broken' in value;
}
