/** Which part of a long step list fits: rows shown, plus how many were folded above and below. */
export interface StepWindow {
  start: number;
  end: number;
  before: number;
  after: number;
}

/**
 * Keeps the current step in view within `rows` lines, spending a line on "N earlier" or "N more"
 * only when something is folded away. Earlier steps fold first: what comes next matters more to
 * an operator deciding whether to approve.
 */
export function stepWindow(count: number, current: number, rows: number): StepWindow {
  const room = Math.max(3, rows);
  if (count <= room) return { start: 0, end: count, before: 0, after: 0 };
  const at = Math.max(0, Math.min(current, count - 1));
  // One step of context before the current one, when there is room for it besides the markers.
  const context = room >= 4 ? 1 : 0;
  const start = Math.max(0, at - context);
  if (start === 0) return { start: 0, end: room - 1, before: 0, after: count - (room - 1) };
  if (start + room - 1 >= count)
    return { start: count - (room - 1), end: count, before: count - (room - 1), after: 0 };
  const end = start + room - 2;
  return { start, end, before: start, after: count - end };
}
