import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ActionRegistry } from '../actions/index.js';
import { UsageError } from '../errors.js';
import { parseRunbook, type LoadedRunbook } from '../runbook/load.js';
import { closest } from '../runbook/closest.js';
import { packageRoot } from './package-root.js';
import { prebuiltRunbook } from './prebuilt-runbooks.js';
import type { RunbookInfo } from './types.js';
import { processEnvironment } from '../environment.js';

/** The shipped runbooks folder, plus any folders named in ROTOR_RUNBOOKS (colon-separated). */
export function runbookDirs(
  env: Readonly<Record<string, string | undefined>> = processEnvironment(),
): string[] {
  const extra = (env.ROTOR_RUNBOOKS ?? '').split(':').filter(Boolean);
  return [join(packageRoot(), 'runbooks'), ...extra];
}

/** Reads and checks one runbook file; unreadable files are usage errors naming the path. */
export function loadRunbookFile(file: string, actions: ActionRegistry): LoadedRunbook {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(
      `cannot read runbook file ${file}`,
      'check the path; `rotor runbooks` lists the shipped runbooks by id',
    );
  }
  const hash = createHash('sha256').update(text).digest('hex');
  const prebuilt = prebuiltRunbook(file, hash, actions);
  return prebuilt ? { runbook: prebuilt, file, hash, source: text } : parseRunbook(text, file, actions);
}

/** Runbook files that failed to load, kept so that one bad file never hides the others. */
export const brokenRunbooks = new Map<string, string>();

/**
 * Every runbook in the folders, by id. A file that fails to load is left out and remembered:
 * at 3 a.m. one bad file must not take every other runbook down with it, but it is never a
 * silent gap either (see `rotor runbooks` and the "no runbook" message).
 */
export function loadCatalog(actions: ActionRegistry, dirs = runbookDirs()): Map<string, LoadedRunbook> {
  const catalog = new Map<string, LoadedRunbook>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()) {
      const file = join(dir, name);
      try {
        const loaded = loadRunbookFile(file, actions);
        catalog.set(loaded.runbook.id, loaded);
        brokenRunbooks.delete(file);
      } catch (error) {
        brokenRunbooks.set(file, (error as Error).message);
      }
    }
  }
  return catalog;
}

/** A runbook by id, or by path when the argument names a file. */
export function findRunbook(
  ref: string,
  catalog: ReadonlyMap<string, LoadedRunbook>,
  actions: ActionRegistry,
): LoadedRunbook {
  if (/\.ya?ml$/.test(ref) || ref.includes('/')) return loadRunbookFile(resolve(ref), actions);
  const found = catalog.get(ref);
  if (found) return found;
  const guess = closest(ref, [...catalog.keys()]);
  const broken = [...brokenRunbooks.values()];
  const brokenNote = broken.length
    ? `; ${broken.length} runbook file(s) failed to load: ${broken.join('; ')}`
    : '';
  throw new UsageError(
    `no runbook "${ref}"`,
    (guess
      ? `did you mean "${guess}"? \`rotor runbooks\` lists them`
      : '`rotor runbooks` lists them; a path to a .yaml file works too') + brokenNote,
  );
}

export function runbookInfo(loaded: LoadedRunbook): RunbookInfo {
  const { runbook } = loaded;
  return {
    id: runbook.id,
    title: runbook.title,
    description: runbook.description,
    file: loaded.file,
    checklist: runbook.checklist,
    inputs: Object.entries(runbook.inputs).map(([name, spec]) => ({
      name,
      // A default naming the environment is only known once connected: leave the field empty
      // (empty means "use the default") and say where the value will come from.
      describe: envDefault(spec.default)
        ? `${spec.describe ?? ''} (empty: from ${envDefault(spec.default)})`.trim()
        : spec.describe,
      default: envDefault(spec.default) ? undefined : spec.default,
      required: envDefault(spec.default) ? false : (spec.required ?? spec.default === undefined),
      secret: spec.secret,
      pattern: spec.pattern,
      choices: spec.choices,
      requiredWhen: spec.required_when,
      defaultFrom: envDefault(spec.default),
    })),
  };
}

function envDefault(value: unknown): string | undefined {
  return typeof value === 'string' ? /\{\{\s*env\.([A-Za-z0-9_]+)\s*\}\}/.exec(value)?.[1] : undefined;
}
