import type { HistoryEntry } from './history.js';

/** A failure notice: facts an on-call engineer needs, and never a secret value. */
export interface Notification {
  subject: string;
  text: string;
  /** The same facts as JSON, for the webhook. */
  payload: Record<string, unknown>;
}

/** Composes the notice for a failed or rolled-back rotation. */
export function failureNotification(
  entry: HistoryEntry,
  context: { attempts: number; maxRetries: number; nextStep: string; rotates?: readonly string[] },
): Notification {
  const outcome = entry.status === 'rolled_back' ? 'failed and was rolled back' : 'failed';
  const subject = `[rotor] rotation of ${entry.secret_path} ${outcome}${entry.drill ? ' (drill)' : ''}`;
  const text = [
    `The rotation of ${entry.secret_path} ${outcome}.`,
    '',
    `Runbook:      ${entry.runbook}`,
    // A session that rotates several secrets left them all in the same state: say which.
    ...(context.rotates && context.rotates.length > 1 ? [`Secrets:      ${context.rotates.join(', ')}`] : []),
    `Environment:  ${entry.environment}${entry.drill ? ' (drill)' : ''}`,
    `Status:       ${entry.status}`,
    `Attempts:     ${context.attempts} of ${context.maxRetries + 1}`,
    `Error:        ${entry.error ?? '—'}`,
    `Started:      ${entry.started_at}`,
    `Ended:        ${entry.ended_at}`,
    `Operator:     ${entry.operator}`,
    `Session:      ${entry.session_id}  (rotor sessions show ${entry.session_id} --markdown)`,
    '',
    `Next: ${context.nextStep}`,
  ].join('\n');
  return {
    subject,
    text,
    payload: {
      event: 'rotation_failed',
      ...entry,
      attempts: context.attempts,
      max_retries: context.maxRetries,
      next_step: context.nextStep,
      ...(context.rotates ? { rotates: [...context.rotates] } : {}),
    },
  };
}
