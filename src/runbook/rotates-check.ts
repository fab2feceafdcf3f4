import type { ActionRegistry } from '../actions/index.js';
import { rotatesTemplates } from './rotates.js';
import type { Fail } from './check.js';
import { isGroupStep, type Runbook } from './schema.js';

/**
 * Actions that give a KV v2 secret a new value (staging and restoring included): a step running
 * one is a rotation of the secret its `path` names, so that secret must be on the runbook's list.
 */
function writesKvSecret(name: string, actions: ActionRegistry): boolean {
  if (!actions.get(name)?.changes) return false;
  return name.startsWith('vault.kv-') || name.startsWith('rotate.');
}

const OUTPUT = /\{\{\s*steps\./;
const ITEM = /^\{\{\s*item\s*\}\}$/;

/**
 * Refuses a runbook that changes a KV secret it does not say it rotates (`rotates:`, or for a
 * runbook without it the secret_path/secrets/secret_paths inputs): its runs would take no lock
 * on that secret and record no history, so `rotor due` and `status` would never learn of them.
 * Judged on the text, before any value is known: a step's `path` must be one of the list's
 * entries, or `{{ item }}` in a group whose for_each is one. A path made from a step's output is
 * not known before the run and is not judged.
 */
export function checkRotates(runbook: Runbook, actions: ActionRegistry, fail: Fail): void {
  const declared = new Set(rotatesTemplates(runbook).map(squeeze));
  runbook.steps.forEach((step, i) => {
    const children = isGroupStep(step)
      ? step.parallel.steps.map((c, j) => ({
          c,
          at: ['steps', i, 'parallel', 'steps', j],
          forEach: step.parallel.for_each,
        }))
      : [{ c: step, at: ['steps', i], forEach: undefined }];
    for (const { c, at, forEach } of children) {
      if (!writesKvSecret(c.do, actions)) continue;
      const path = c.with.path;
      if (typeof path !== 'string' || OUTPUT.test(path)) continue;
      const named = ITEM.test(path) && forEach !== undefined ? forEach : path;
      if (declared.has(squeeze(named))) continue;
      fail(
        `step ${c.id} (${c.do}) changes the secret at ${JSON.stringify(named)}, which the runbook does not say it rotates, so a run would take no lock on it and record no history`,
        [...at, 'with'],
        runbook.rotates?.length
          ? `add it to the runbook's rotates: list (now ${runbook.rotates.join(', ')})`
          : `declare it at the top level: rotates: ${JSON.stringify([...declared, named])}`,
        'path',
      );
    }
  });
}

/** `{{inputs.x}}` and `{{ inputs.x }}` are one reference. */
function squeeze(template: string): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, '{{ $1 }}');
}
