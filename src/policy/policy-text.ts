import type { HistoryEntry } from './history.js';
import type { Policy } from './policy.js';
import { runbookFor } from './runbook-choice.js';

/** "every 90 days", "cron 0 2 * * * (Europe/Berlin)", "every 365 days, then cron …", "manual". */
export function describeSchedule(policy: Policy): string {
  const parts: string[] = [];
  if (policy.rotation_period_days !== undefined) parts.push(`every ${policy.rotation_period_days} days`);
  if (policy.cron_schedule !== undefined)
    parts.push(`cron ${policy.cron_schedule}${policy.timezone === 'UTC' ? '' : ` (${policy.timezone})`}`);
  if (policy.rotation_type === 'manual') return parts.length ? `manual (${parts.join(', ')})` : 'manual';
  return parts.join(', then ') || policy.rotation_type;
}

/** The fields of a policy as `policy show` lists them, in the policy document's order. */
export function policyLines(policy: Policy): Array<[string, string]> {
  const lines: Array<[string, string | undefined]> = [
    ['secret_path', policy.secret_path],
    ['rotation_type', policy.rotation_type],
    ['rotation_period_days', policy.rotation_period_days?.toString()],
    ['cron_schedule', policy.cron_schedule],
    ['timezone', policy.timezone],
    ['rotation_script_path', policy.rotation_script_path],
    ['is_active', String(policy.is_active)],
    ['notify_on_failure', String(policy.notify_on_failure)],
    ['notify_emails', policy.notify_emails.join(', ') || undefined],
    ['max_retries', String(policy.max_retries)],
    ['rollback_on_failure', String(policy.rollback_on_failure)],
    ['secret_type', policy.secret_type],
    ['runbook', `${runbookFor(policy)}${policy.runbook ? '' : ' (chosen by rotor)'}`],
    ...Object.entries(policy.inputs).map(([k, v]): [string, string] => [`inputs.${k}`, inputText(v)]),
    ['created_at', policy.created_at],
  ];
  return lines.filter((l): l is [string, string] => l[1] !== undefined);
}

/** "1.2s", "3m 04s", "1h 02m": a rotation's duration in a history table. */
export function shortDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** "2026-03-01 02:00:04": UTC, to the second. */
export function shortTime(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').slice(0, 19) : '—';
}

/** One history entry as a table row's cells. */
export function historyCells(entry: HistoryEntry): string[] {
  return [
    shortTime(entry.ended_at),
    entry.secret_path,
    entry.status + (entry.drill ? ' (drill)' : ''),
    shortDuration(entry.duration_seconds),
    String(entry.attempt),
    entry.operator,
    entry.session_id,
    entry.error ?? '',
  ];
}

/** An input as text: a Vault reference as `vault:<mount>/<path>#<field>`. */
export function inputText(value: Policy['inputs'][string]): string {
  return typeof value === 'string' ? value : `vault:${value.mount ?? 'secret'}/${value.vault}#${value.field}`;
}
