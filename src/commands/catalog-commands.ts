import { UsageError } from '../errors.js';
import { z } from 'zod';
import { runbookSchema } from '../runbook/schema.js';
import { inventorySchema } from '../inventory/schema.js';
import { brokenRunbooks, loadRunbookFile, runbookInfo } from '../session/catalog.js';
import type { RotorContext } from '../services/rotor-context.js';
import type { Io } from './io.js';

/** `rotor runbooks`: every runbook with its inputs and defaults. */
export function listRunbooks(ctx: RotorContext, options: { json?: boolean }, io: Io): number {
  const infos = [...ctx.catalog.values()].map(runbookInfo);
  const broken = [...brokenRunbooks.entries()].map(([file, error]) => ({ file, error }));
  if (options.json) {
    io.stdout(
      JSON.stringify(
        broken.length ? [...infos, ...broken.map((b) => ({ broken: true, ...b }))] : infos,
        null,
        2,
      ),
    );
    return broken.length ? 1 : 0;
  }
  for (const b of broken) io.stderr(`rotor: a runbook failed to load: ${b.error}`);
  for (const info of infos) {
    io.stdout(`${info.id.padEnd(18)} ${info.title}`);
    for (const input of info.inputs) {
      const value = input.secret
        ? '(secret)'
        : input.default !== undefined
          ? `= ${String(input.default)}`
          : input.required
            ? '(required)'
            : '';
      const when = input.requiredWhen ? ` (required when ${input.requiredWhen})` : '';
      io.stdout(`${''.padEnd(20)}${input.name} ${value}${when}`);
    }
  }
  return broken.length ? 1 : 0;
}

/** `rotor actions`: the step kinds runbooks can use. */
export function listActions(ctx: RotorContext, options: { json?: boolean }, io: Io): number {
  const actions = [...ctx.actions.values()].map((a) => ({
    id: a.id,
    summary: a.summary,
    changes: a.changes,
    class: a.class,
    undo: Boolean(a.undo),
    params: Object.keys((a.params as unknown as { shape?: object }).shape ?? {}),
    outputs: a.outputs,
  }));
  if (options.json) io.stdout(JSON.stringify(actions, null, 2));
  else
    for (const a of actions)
      io.stdout(`${a.id.padEnd(28)} ${a.changes ? 'changes' : 'reads  '} ${a.summary}`);
  return 0;
}

/** `rotor validate <file>`: load and check one runbook; errors carry file:line:col. */
export function validateRunbook(ctx: RotorContext, file: string, io: Io): number {
  const loaded = loadRunbookFile(file, ctx.actions);
  io.stdout(
    `${file}: ok — runbook ${loaded.runbook.id}, ${loaded.runbook.steps.length} steps, ${Object.keys(loaded.runbook.inputs).length} inputs`,
  );
  return 0;
}

/** `rotor schema [runbook|inventory]`: JSON Schema of a file format, for editor completion. */
export function printSchema(io: Io, kind = 'runbook'): number {
  const formats: Record<string, () => z.ZodType> = {
    runbook: () => runbookSchema,
    inventory: () => inventorySchema,
  };
  const format = formats[kind];
  if (!format)
    throw new UsageError(
      `no schema "${kind}"`,
      "rotor schema prints runbook files' one; rotor schema inventory the inventory's",
    );
  const schema = z.toJSONSchema(format(), { io: 'input', unrepresentable: 'any' });
  io.stdout(
    JSON.stringify(
      { ...schema, title: `rotor ${kind}`, $id: `https://rotor.invalid/${kind}.schema.json` },
      null,
      2,
    ),
  );
  return 0;
}
