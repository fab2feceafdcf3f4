import { closest } from '../runbook/closest.js';
import type { LoadedInventory } from './load.js';
import type { InputValue } from './schema.js';

/** What the inventory check needs of each runbook: its inputs' declarations. */
export type DeclaredRunbooks = ReadonlyMap<
  string,
  { inputs: Readonly<Record<string, { secret?: boolean; pattern?: string; choices?: readonly string[] }>> }
>;

const isRef = (v: InputValue): v is { vault: string; field: string } => typeof v === 'object';

/**
 * Checks an inventory against the runbooks rotor knows, before anything connects: every runbook
 * section names a runbook, every input a declared one (a shared input, one that some runbook
 * declares), and no secret input is written in clear (the file is kept in git: a secret is a
 * Vault reference). The first problem throws, naming file:line:col.
 */
export function checkInventory(loaded: LoadedInventory, runbooks: DeclaredRunbooks): void {
  const ids = [...runbooks.keys()];
  const declaredAnywhere = new Map<string, { secret?: boolean }>();
  for (const r of runbooks.values())
    for (const [name, spec] of Object.entries(r.inputs))
      if (!declaredAnywhere.get(name)?.secret) declaredAnywhere.set(name, spec);
  for (const [env, environment] of Object.entries(loaded.inventory.environments)) {
    const shared = ['environments', env, 'inputs'];
    for (const [name, value] of Object.entries(environment.inputs)) {
      const spec = declaredAnywhere.get(name);
      if (!spec) {
        const guess = closest(name, [...declaredAnywhere.keys()]);
        throw loaded.error(
          shared,
          `unknown input "${name}": no runbook declares it`,
          guess
            ? `did you mean "${guess}"? \`rotor runbooks\` lists every input`
            : '`rotor runbooks` lists every input',
          name,
        );
      }
      checkSecret(loaded, shared, name, value, spec.secret === true);
    }
    for (const [id, values] of Object.entries(environment.runbooks)) {
      const runbook = runbooks.get(id);
      const section = ['environments', env, 'runbooks'];
      if (!runbook) {
        const guess = closest(id, ids);
        throw loaded.error(
          section,
          `unknown runbook "${id}"`,
          guess ? `did you mean "${guess}"? \`rotor runbooks\` lists them` : '`rotor runbooks` lists them',
          id,
        );
      }
      for (const [name, value] of Object.entries(values)) {
        const spec = runbook.inputs[name];
        if (!spec) {
          const guess = closest(name, Object.keys(runbook.inputs));
          throw loaded.error(
            [...section, id],
            `runbook ${id} has no input "${name}"`,
            guess ? `did you mean "${guess}"?` : `its inputs: ${Object.keys(runbook.inputs).join(', ')}`,
            name,
          );
        }
        checkSecret(loaded, [...section, id], name, value, spec.secret === true);
        checkLiteral(loaded, [...section, id, name], name, value, spec);
      }
    }
  }
}

function checkSecret(
  loaded: LoadedInventory,
  path: PropertyKey[],
  name: string,
  value: InputValue,
  secret: boolean,
): void {
  if (secret && !isRef(value))
    throw loaded.error(
      [...path, name],
      `input ${name} is secret: an inventory kept in git must not hold it in clear`,
      `write where it is in Vault instead: ${name}: { vault: <path>, field: <name> }`,
    );
}

function checkLiteral(
  loaded: LoadedInventory,
  path: PropertyKey[],
  name: string,
  value: InputValue,
  spec: { pattern?: string; choices?: readonly string[] },
): void {
  if (isRef(value)) return;
  const text = String(value);
  if (spec.pattern !== undefined && !new RegExp(`^(?:${spec.pattern})$`).test(text))
    throw loaded.error(path, `input ${name}: "${text}" does not match the runbook's pattern ${spec.pattern}`);
  if (spec.choices && !spec.choices.includes(text))
    throw loaded.error(path, `input ${name}: "${text}" is not one of ${spec.choices.join(', ')}`);
}
