import type { Answer, Decision, DecisionRequest } from '../engine/types.js';

/** A key press as the prompt reducer sees it (a subset of Ink's Key). */
export interface PromptKey {
  input: string;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

/** What the approval prompt remembers between key presses. */
export interface ApprovalState {
  /** Typing a confirmation text: which one, and what was typed so far. */
  confirming?: { index: number; typed: string };
  /** A decision that ends the run, waiting for the same key once more. */
  armed?: 'abort' | 'rollback';
  hint?: string;
  help: boolean;
}

export const initialApprovalState: ApprovalState = { help: false };

/** A text the operator must type exactly before an approval counts. */
export interface Confirmation {
  what: string;
  text: string;
}

/** The environment's name (protected environments), then the step's own confirm text. */
export function confirmationsFor(request: DecisionRequest): Confirmation[] {
  if (request.kind !== 'approve') return [];
  const list: Confirmation[] = [];
  if (request.confirmEnvironment)
    list.push({ what: 'the environment name', text: request.confirmEnvironment });
  if (request.step.confirm) list.push({ what: 'the confirmation text', text: request.step.confirm });
  return list;
}

const KEYS: Record<DecisionRequest['kind'], Record<string, Decision>> = {
  approve: { y: 'approve', s: 'skip', a: 'abort', b: 'rollback' },
  failure: { r: 'retry', s: 'skip', a: 'abort', b: 'rollback' },
  interrupt: { b: 'rollback', l: 'abort', c: 'continue' },
};

/** The key legend under a prompt, only the keys that do something here. */
export function legendFor(kind: DecisionRequest['kind']): string {
  if (kind === 'approve') return 'y approve · s skip · a abort · b roll back · ? help';
  if (kind === 'failure') return 'r retry · s skip · b roll back · a abort · ? help';
  return 'b roll back · l leave as is · c continue · ? help';
}

const ARMED_HINT = {
  abort: 'Press a again to abort: completed steps stay as they are. Any other key cancels.',
  rollback: 'Press b again to roll back every completed step. Any other key cancels.',
};

export const ENTER_HINT = 'Enter alone never runs a step that changes something: press y to approve.';

function printable(input: string): string {
  return [...input].filter((ch) => ch >= ' ' && ch !== '\u007f').join('');
}

function confirmKey(
  request: DecisionRequest,
  state: ApprovalState,
  key: PromptKey,
): { state: ApprovalState; decision?: Answer } {
  const confirming = state.confirming!;
  const wanted = confirmationsFor(request)[confirming.index];
  if (key.escape) return { state: { ...state, confirming: undefined, hint: 'Not approved.' } };
  if (key.backspace || key.delete)
    return {
      state: {
        ...state,
        confirming: { ...confirming, typed: confirming.typed.slice(0, -1) },
        hint: undefined,
      },
    };
  if (key.return) {
    if (confirming.typed !== wanted.text)
      return {
        state: {
          ...state,
          hint: `That is not ${wanted.what}: type "${wanted.text}" exactly, or Esc to go back.`,
        },
      };
    const index = confirming.index + 1;
    if (index < confirmationsFor(request).length)
      return { state: { ...state, confirming: { index, typed: '' }, hint: undefined } };
    // The engine accepts a protected environment only with the name the operator typed.
    const decision: Answer =
      request.kind === 'approve' && request.confirmEnvironment
        ? { decision: 'approve', confirmedEnvironment: request.confirmEnvironment }
        : 'approve';
    return { state: { ...state, confirming: undefined, hint: undefined }, decision };
  }
  if (key.ctrl || key.meta) return { state };
  return {
    state: {
      ...state,
      confirming: { ...confirming, typed: confirming.typed + printable(key.input) },
      hint: undefined,
    },
  };
}

/**
 * One key press at a decision prompt. Pure, so every rule is tested without a terminal: a step
 * that changes something never runs on a bare Enter, confirmation texts must be typed exactly,
 * and abort or roll back at an approval or failure ask for the same key once more.
 */
export function approvalKey(
  request: DecisionRequest,
  state: ApprovalState,
  key: PromptKey,
): { state: ApprovalState; decision?: Answer } {
  if (state.confirming) return confirmKey(request, state, key);
  if (key.ctrl || key.meta) return { state };
  const ch = key.return ? '\r' : key.input.toLowerCase();
  if (state.armed) {
    const again = state.armed === 'abort' ? 'a' : 'b';
    return ch === again
      ? { state: { ...state, armed: undefined, hint: undefined }, decision: state.armed }
      : { state: { ...state, armed: undefined, hint: 'Cancelled.' } };
  }
  if (ch === '?') return { state: { ...state, help: !state.help, hint: undefined } };
  if (key.escape) return { state: { ...state, help: false, hint: undefined } };
  const approveNow = (): { state: ApprovalState; decision?: Answer } =>
    confirmationsFor(request).length > 0
      ? { state: { ...state, confirming: { index: 0, typed: '' }, hint: undefined } }
      : { state: { ...state, hint: undefined }, decision: 'approve' };
  if (ch === '\r') {
    if (request.kind !== 'approve')
      return { state: { ...state, hint: `Choose with a key: ${legendFor(request.kind)}` } };
    return request.step.changes ? { state: { ...state, hint: ENTER_HINT } } : approveNow();
  }
  const decision = KEYS[request.kind][ch];
  if (!decision) return { state };
  if (decision === 'approve') return approveNow();
  if (request.kind !== 'interrupt' && (decision === 'abort' || decision === 'rollback'))
    return { state: { ...state, armed: decision, hint: ARMED_HINT[decision] } };
  return { state: { ...state, hint: undefined }, decision };
}

/** The help shown under `?`, one line per key. */
export function helpFor(kind: DecisionRequest['kind']): string[] {
  if (kind === 'interrupt') {
    return [
      'b  roll back: undo every completed step in reverse order, then stop',
      'l  leave as is: stop now; completed changes stay in place',
      'c  continue: carry on as if Ctrl+C had not been pressed',
    ];
  }
  return [
    kind === 'approve'
      ? 'y  approve: run this step (Enter only if it changes nothing)'
      : 'r  retry: run the failed step again',
    kind === 'approve'
      ? 's  skip: do not run this step; go on with the next one'
      : 's  skip: accept the failure; go on with the next step',
    'a  abort: stop here; completed steps stay as they are (press twice)',
    'b  roll back: undo completed steps, newest first, then stop (press twice)',
    'Ctrl+C  stop at the next safe point and choose what to do',
  ];
}
