import {
  currentValues,
  entryProblem,
  lockedReason,
  typedValues,
  type ReviewContext,
  type ReviewEntry,
} from './input-review-model.js';
import { checkInput } from './input-check.js';
import { editText } from './text-edit.js';

/** The review screen between key presses. */
export interface ReviewState {
  cursor: number;
  entries: Record<string, ReviewEntry>;
  /** The input under the cursor being edited: the text so far, or the choice picked. */
  editing?: {
    draft: string;
    choice: number;
    error?: string;
    /** Opened by "accept all" (or by "save"): once this one is right, go on as that key would. */
    chain?: 'accept' | 'save';
  };
  /** One line for the operator (why accept-all stopped, why a row is read-only). */
  notice?: string;
}

/** A key as the reducer sees it (a subset of Ink's Key). */
export interface ReviewKey {
  input: string;
  return?: boolean;
  escape?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  tab?: boolean;
}

/** What a key led to: the next state, and whether the screen is finished. */
export interface ReviewStep {
  state: ReviewState;
  /** Accept all: the values typed on the screen (the rest were given or are defaults). */
  done?: Record<string, string>;
  /** Save to the policy too (only offered when the screen has somewhere to save). */
  save?: boolean;
  back?: true;
}

/** The key that accepts every value and goes on. */
export const ACCEPT_KEY = 'a';
/** The key that accepts every value and also saves the edits to the policy being run. */
export const SAVE_KEY = 's';

/** The first state: the cursor on the first input that needs a visit, else on the first. */
export function initialReview(ctx: ReviewContext, entries: Record<string, ReviewEntry>): ReviewState {
  const first = ctx.inputs.findIndex((spec) => entryProblem(ctx, entries, spec) !== undefined);
  return { cursor: Math.max(0, first), entries };
}

function openEditor(ctx: ReviewContext, state: ReviewState, chain?: 'accept' | 'save'): ReviewState {
  const spec = ctx.inputs[state.cursor];
  const entry = state.entries[spec.name];
  const value = entry.opaque || spec.secret ? '' : entry.value;
  const choice = Math.max(0, spec.choices?.indexOf(value || String(spec.default ?? '')) ?? 0);
  return { ...state, editing: { draft: spec.choices ? '' : value, choice, chain } };
}

/** Accept all: go on when nothing needs a visit, else open the first that does and say why. */
export function acceptAll(ctx: ReviewContext, state: ReviewState, save = false): ReviewStep {
  const index = ctx.inputs.findIndex((spec) => entryProblem(ctx, state.entries, spec) !== undefined);
  if (index < 0) return { state: { ...state, notice: undefined }, done: typedValues(state.entries), save };
  const notice = entryProblem(ctx, state.entries, ctx.inputs[index]);
  return { state: openEditor(ctx, { ...state, cursor: index, notice }, save ? 'save' : 'accept') };
}

function commit(ctx: ReviewContext, state: ReviewState, value: string): ReviewStep {
  const spec = ctx.inputs[state.cursor];
  const editing = state.editing!;
  // An empty answer means "use the default", as it does on the command line.
  const entry: ReviewEntry =
    value !== ''
      ? { value, source: 'typed', entered: true }
      : spec.default !== undefined
        ? { value: String(spec.default), source: 'default', entered: true }
        : { value: '', source: spec.defaultFrom ? 'default' : undefined, entered: true };
  const entries = { ...state.entries, [spec.name]: entry };
  const error = checkInput(spec, entry.value, currentValues(entries));
  if (error) return { state: { ...state, editing: { ...editing, error } } };
  const next: ReviewState = { ...state, entries, editing: undefined, notice: undefined };
  return editing.chain ? acceptAll(ctx, next, editing.chain === 'save') : { state: next };
}

function editKey(ctx: ReviewContext, state: ReviewState, key: ReviewKey): ReviewStep {
  const spec = ctx.inputs[state.cursor];
  const editing = state.editing!;
  if (key.escape) return { state: { ...state, editing: undefined, notice: undefined } };
  if (spec.choices) {
    const count = spec.choices.length;
    if (key.upArrow || key.leftArrow)
      return { state: { ...state, editing: { ...editing, choice: Math.max(0, editing.choice - 1) } } };
    if (key.downArrow || key.rightArrow)
      return {
        state: { ...state, editing: { ...editing, choice: Math.min(count - 1, editing.choice + 1) } },
      };
    return key.return ? commit(ctx, state, spec.choices[editing.choice]) : { state };
  }
  const edit = editText(editing.draft, key);
  if ('submit' in edit) return commit(ctx, state, edit.submit);
  if ('cancel' in edit) return { state: { ...state, editing: undefined } };
  return edit.value === editing.draft
    ? { state }
    : { state: { ...state, editing: { ...editing, draft: edit.value, error: undefined } } };
}

/**
 * One key on the review screen. ↑/↓ move, Enter edits the input under the cursor, `a` accepts
 * every value (or opens the first that still needs one, saying why), Esc goes back. While an
 * input is being edited the keys are its text, Enter keeps it once it is valid, Esc drops it.
 */
export function reviewKey(
  ctx: ReviewContext,
  state: ReviewState,
  key: ReviewKey,
  options: { page?: number; canSave?: boolean } = {},
): ReviewStep {
  if (state.editing) return editKey(ctx, state, key);
  const last = ctx.inputs.length - 1;
  const page = Math.max(1, options.page ?? 10);
  const move = (cursor: number): ReviewStep => ({
    state: { ...state, cursor: Math.max(0, Math.min(last, cursor)), notice: undefined },
  });
  if (key.upArrow || key.input === 'k') return move(state.cursor - 1);
  if (key.downArrow || key.input === 'j') return move(state.cursor + 1);
  if (key.pageUp) return move(state.cursor - page);
  if (key.pageDown) return move(state.cursor + page);
  if (key.escape) return { state, back: true };
  if (key.input === ACCEPT_KEY) return acceptAll(ctx, state);
  if (key.input === SAVE_KEY && options.canSave) return acceptAll(ctx, state, true);
  if (key.return && ctx.inputs[state.cursor]) {
    const locked = lockedReason(ctx, ctx.inputs[state.cursor]);
    return locked ? { state: { ...state, notice: locked } } : { state: openEditor(ctx, state) };
  }
  return { state };
}
