import { describeRequiredWhen, parseRequiredWhen, requiredWhenHolds } from '../runbook/required-when.js';
import type { RunbookInfo } from '../session/types.js';

type InputSpec = RunbookInfo['inputs'][number];

/**
 * Checks a typed input as the runbook loader will, so the operator hears about it on the field
 * rather than after the last one. Never repeats a secret value in the message. `values` are the
 * other inputs as they stand (defaults, flags, answers), for `required_when`.
 */
export function checkInput(
  spec: InputSpec,
  value: string,
  values: Record<string, unknown> = {},
): string | undefined {
  if (value === '') {
    if (spec.required && spec.default === undefined)
      return `${spec.name} is required${spec.describe ? `: ${spec.describe}` : ''}.`;
    const condition = spec.requiredWhen === undefined ? undefined : parseRequiredWhen(spec.requiredWhen);
    if (condition && String(spec.default ?? '') === '' && requiredWhenHolds(condition, values))
      return `${spec.name} is required when ${describeRequiredWhen(condition)}${spec.describe ? `: ${spec.describe}` : ''}.`;
    return undefined;
  }
  if (spec.pattern !== undefined) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(`^(?:${spec.pattern})$`);
    } catch {
      re = undefined; // the loader reports a broken pattern; do not block typing on it here
    }
    if (re && !re.test(value)) {
      const shown = spec.secret ? 'The value typed' : `"${value}"`;
      return `${shown} does not match the pattern ${spec.pattern}${spec.describe ? ` (expected: ${spec.describe})` : ''}.`;
    }
  }
  if (spec.choices && !spec.choices.includes(value))
    return `${spec.secret ? 'The value typed' : `"${value}"`} is not one of ${spec.choices.join(', ')}.`;
  return undefined;
}
