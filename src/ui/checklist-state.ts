/** The pre-checklist: which item the cursor is on, and which are ticked. */
export interface ChecklistState {
  cursor: number;
  ticked: boolean[];
  hint?: string;
}

export function initialChecklist(count: number): ChecklistState {
  return { cursor: 0, ticked: Array.from({ length: count }, () => false) };
}

export interface ChecklistKey {
  input: string;
  return?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
}

/**
 * One key on the checklist. Space or Enter ticks the item under the cursor and moves on to the
 * next unticked one; space on a ticked item unticks it. Enter continues only once every item is
 * ticked: there is deliberately no "tick all", each item is a thing to have done.
 */
export function checklistKey(
  state: ChecklistState,
  key: ChecklistKey,
): { state: ChecklistState; done?: true } {
  const count = state.ticked.length;
  const all = state.ticked.every(Boolean);
  if (key.upArrow) return { state: { ...state, cursor: Math.max(0, state.cursor - 1), hint: undefined } };
  if (key.downArrow)
    return { state: { ...state, cursor: Math.min(count - 1, state.cursor + 1), hint: undefined } };
  if (key.return && all) return { state, done: true };
  const space = key.input === ' ';
  if (!space && !key.return) return { state };
  const ticked = [...state.ticked];
  if (ticked[state.cursor]) {
    if (space) ticked[state.cursor] = false;
    const next = ticked.findIndex((t) => !t);
    return {
      state: {
        cursor: space ? state.cursor : Math.max(0, next),
        ticked,
        hint: space ? undefined : 'Tick every item before starting.',
      },
    };
  }
  ticked[state.cursor] = true;
  const after = ticked.findIndex((t, i) => !t && i > state.cursor);
  const next = after >= 0 ? after : ticked.findIndex((t) => !t);
  return { state: { cursor: next >= 0 ? next : state.cursor, ticked } };
}
