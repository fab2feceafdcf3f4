import { MASK } from '../engine/secret.js';
import type { RunbookInfo } from '../session/types.js';
import { checkInput } from './input-check.js';
import type { InputSource, InputSources } from '../runbook/input-source.js';

/** One input of the runbook, as the catalog describes it. */
export type InputSpec = RunbookInfo['inputs'][number];

/** One input's value on the review screen. */
export interface ReviewEntry {
  /** The value as text; '' when there is none (or when `opaque`). */
  value: string;
  /** Where the value came from; undefined when there is no value at all. */
  source?: InputSource;
  /** A secret given outside the screen (ROTOR_INPUT_*): present, but its value never reaches it. */
  opaque?: boolean;
  /** Set once the operator has entered (or re-entered) this input on the screen. */
  entered?: boolean;
}

/** What the review screen is for: a new run, or a resume where the inputs are mostly fixed. */
export interface ReviewContext {
  inputs: InputSpec[];
  /** Resuming: non-secret inputs are the session's and read-only; secret ones are typed again. */
  resuming?: boolean;
  /** Inputs that cannot change here, by name, with the reason (a policy's own secret path). */
  fixed?: Readonly<Record<string, string>>;
}

/** Values given before the screen opened: plain text by name, and where each came from. */
export interface GivenValues {
  plain?: Readonly<Record<string, string>>;
  sources?: InputSources;
}

/** The entries before any key: given values, else the runbook's defaults. */
export function initialEntries(ctx: ReviewContext, given: GivenValues = {}): Record<string, ReviewEntry> {
  const entries: Record<string, ReviewEntry> = {};
  for (const spec of ctx.inputs) {
    const plain = given.plain?.[spec.name];
    const source = given.sources?.[spec.name];
    if (plain !== undefined)
      // Typed before (the operator went back from the checklist): already entered here.
      entries[spec.name] =
        source === 'typed'
          ? { value: plain, source, entered: true }
          : { value: plain, source: source ?? 'set' };
    else if (source !== undefined) entries[spec.name] = { value: '', source, opaque: true };
    else if (spec.default !== undefined)
      entries[spec.name] = { value: String(spec.default), source: spec.defaultSource ?? 'default' };
    else if (spec.defaultFrom !== undefined)
      entries[spec.name] = { value: '', source: spec.defaultSource ?? 'default' };
    else entries[spec.name] = { value: '' };
  }
  return entries;
}

/** Every value as it stands, for `required_when`; an opaque secret counts as present. */
export function currentValues(entries: Readonly<Record<string, ReviewEntry>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(entries))
    if (entry.value !== '' || entry.opaque) values[name] = entry.opaque ? MASK : entry.value;
  return values;
}

/** Why an input is read-only here, or undefined when it can be edited. */
export function lockedReason(ctx: ReviewContext, spec: InputSpec): string | undefined {
  if (ctx.fixed?.[spec.name]) return ctx.fixed[spec.name];
  return ctx.resuming && !spec.secret
    ? `${spec.name} is read-only when resuming: the session started with this value.`
    : undefined;
}

/** What is wrong with an input's value as it stands (the reason shown on its row), if anything. */
export function entryProblem(
  ctx: ReviewContext,
  entries: Readonly<Record<string, ReviewEntry>>,
  spec: InputSpec,
): string | undefined {
  const entry = entries[spec.name] ?? { value: '' };
  if (entry.opaque) return undefined; // its value never reaches the screen; the run checks it
  if (ctx.resuming && spec.secret && !entry.entered)
    return `${spec.name} is secret and the journal does not keep it: type it again${spec.default !== undefined || spec.defaultFrom ? ' (Enter on an empty field keeps the default)' : ''}.`;
  if (lockedReason(ctx, spec)) return undefined; // the session already accepted it
  return checkInput(spec, entry.value, currentValues(entries));
}

/** The value column: secrets masked, an environment default named, a missing value said so. */
export function shownValue(spec: InputSpec, entry: ReviewEntry): string {
  if (entry.value === '' && !entry.opaque && entry.source === (spec.defaultSource ?? 'default') && spec.defaultFrom)
    return `(from ${spec.defaultFrom})`;
  if (spec.secret) return entry.value !== '' || entry.opaque ? MASK : '(none)';
  return entry.value === '' ? '(none)' : entry.value;
}

/**
 * The values entered on the screen, which go to the session over what was given. An input
 * entered and left empty goes as '' (the runbook's default, as on the command line), so it also
 * replaces a value given before the screen opened.
 */
export function typedValues(entries: Readonly<Record<string, ReviewEntry>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entries)
      .filter(([, e]) => (e.source === 'typed' ? e.value !== '' : e.entered === true))
      .map(([name, e]) => [name, e.source === 'typed' ? e.value : '']),
  );
}
