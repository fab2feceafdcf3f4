import { RotorError } from '../errors.js';
import type { Lookup, Reference } from '../runbook/template.js';
import type { Outputs } from '../actions/types.js';
import { isHashedValue } from '../journal/hashed-value.js';

/** Where references are looked up during a run. */
export interface LookupSources {
  inputs: Record<string, unknown>;
  outputs: ReadonlyMap<string, Outputs>;
  skipped: ReadonlySet<string>;
  env: Readonly<Record<string, string | undefined>>;
}

function dig(value: unknown, path: string[], ref: Reference, allowHashed = false): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in current)) {
      throw new RotorError(`{{ ${ref.text} }} has no value`, {
        hint: 'the earlier step did not publish it; check the runbook',
      });
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (!allowHashed && isHashedValue(current)) {
    throw new RotorError(
      `{{ ${ref.text} }} was a secret the journal holds only as a hash, so it cannot be used after a resume`,
      {
        hint: 'take the value from Vault instead (the staged path of vault.kv-stage, or a kv-read step), so a resumed run finishes with the same value',
      },
    );
  }
  return current;
}

/** A lookup over the session so far. `item` is the loop item of a for_each child. */
/**
 * `allowHashed`: restoring a finished step on resume resolves its parameters only for undo and
 * checks, which never need the secret values themselves; a run always refuses a hash.
 */
export function sessionLookup(sources: LookupSources, item?: unknown, allowHashed = false): Lookup {
  return (ref) => {
    switch (ref.root) {
      case 'inputs':
        return dig(sources.inputs, ref.path, ref);
      case 'env': {
        const value = sources.env[ref.path[0]];
        if (value === undefined)
          throw new RotorError(`{{ ${ref.text} }}: the environment variable ${ref.path[0]} is not set`, {
            hint: `export ${ref.path[0]}=… before running`,
          });
        return value;
      }
      case 'item':
        return dig(item, ref.path, ref);
      case 'steps': {
        const [id, ...rest] = ref.path;
        if (sources.skipped.has(id))
          throw new RotorError(`{{ ${ref.text} }} is not available: step ${id} was skipped`);
        const outputs = sources.outputs.get(id);
        if (!outputs) throw new RotorError(`{{ ${ref.text} }} is not available: step ${id} has not run`);
        return dig(outputs, rest, ref, allowHashed);
      }
    }
  };
}

/** A lookup for dry runs: values not known before the run show as ‹placeholders›. */
export function previewLookup(sources: LookupSources, item?: unknown): Lookup {
  const live = sessionLookup(sources, item);
  return (ref) => {
    try {
      return live(ref);
    } catch {
      return `‹${ref.text}›`;
    }
  };
}
