import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.js';

/** `rotor policy add` options as commander gives them (camelCase of the field names). */
export interface PolicyFlags {
  file?: string;
  rotationType?: string;
  rotationPeriodDays?: string;
  cronSchedule?: string;
  timezone?: string;
  rotationScriptPath?: string;
  inactive?: boolean;
  notifyOnFailure?: boolean;
  notifyEmails?: string;
  maxRetries?: string;
  rollbackOnFailure?: boolean;
  secretType?: string;
  runbook?: string;
  input: string[];
  env?: string;
  json?: boolean;
}

/** A whole number as typed, or a usage error naming the field. */
function integer(field: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim()))
    throw new UsageError(
      `policy: ${field}: "${text}" is not a whole number`,
      `for example --${field.replace(/_/g, '-')} 30`,
    );
  return Number(text);
}

/** `--input name=value` pairs; values are plain text (a secret input comes from ROTOR_INPUT_<NAME> at run time). */
function inputsOf(pairs: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new UsageError(
        `policy: inputs: --input ${pair.includes('=') ? '…' : pair}: expected name=value`,
        'for example --input namespace=harmonyflow-production',
      );
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return inputs;
}

/** Reads a policy file (YAML or JSON): one policy, as the fields of the policy document. */
export function readPolicyFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read policy file ${file}`, 'check the path');
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(
      `${file}: expected one policy (a mapping of fields such as secret_path and rotation_type)`,
    );
  return value as Record<string, unknown>;
}

/**
 * The policy an operator described: the file's fields (if any), then the flags, which win. Only
 * flags actually given count (`explicit` tells which), so a file's `notify_on_failure: false`
 * is not undone by a flag's default.
 */
export function policyInput(
  secretPath: string | undefined,
  flags: PolicyFlags,
  explicit: (option: string) => boolean,
): Record<string, unknown> {
  const input: Record<string, unknown> = flags.file ? readPolicyFile(flags.file) : {};
  if (secretPath !== undefined) input.secret_path = secretPath;
  if (flags.rotationType !== undefined) input.rotation_type = flags.rotationType;
  if (flags.rotationPeriodDays !== undefined)
    input.rotation_period_days = integer('rotation_period_days', flags.rotationPeriodDays);
  if (flags.cronSchedule !== undefined) input.cron_schedule = flags.cronSchedule;
  if (flags.timezone !== undefined) input.timezone = flags.timezone;
  if (flags.rotationScriptPath !== undefined) input.rotation_script_path = flags.rotationScriptPath;
  if (flags.inactive) input.is_active = false;
  if (explicit('notifyOnFailure')) input.notify_on_failure = flags.notifyOnFailure;
  if (flags.notifyEmails !== undefined)
    input.notify_emails = flags.notifyEmails
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
  if (flags.maxRetries !== undefined) input.max_retries = integer('max_retries', flags.maxRetries);
  if (explicit('rollbackOnFailure')) input.rollback_on_failure = flags.rollbackOnFailure;
  if (flags.secretType !== undefined) input.secret_type = flags.secretType;
  if (flags.runbook !== undefined) input.runbook = flags.runbook;
  if (flags.input.length > 0)
    input.inputs = { ...((input.inputs as Record<string, string>) ?? {}), ...inputsOf(flags.input) };
  if (input.secret_path === undefined)
    throw new UsageError(
      'policy: secret_path: required',
      'rotor policy add <secret_path> …, or secret_path in the --file',
    );
  if (input.rotation_type === undefined)
    throw new UsageError(
      'policy: rotation_type: required (manual, automatic or scheduled)',
      'for example --rotation-type scheduled --rotation-period-days 90',
    );
  return input;
}
