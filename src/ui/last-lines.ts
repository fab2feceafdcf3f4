import type { ViewState } from '../engine/view-state.js';

/** How far back to look for a step's output; older lines are in the scrollback and the journal. */
const SCAN = 500;

/** The step's (or its children's) last `count` output lines, oldest first, without copying the log. */
export function lastLines(state: ViewState, stepId: string, count: number): string[] {
  const out: string[] = [];
  const children = state.steps[stepId]?.children ?? [];
  const stop = Math.max(0, state.log.length - SCAN);
  for (let i = state.log.length - 1; i >= stop && out.length < count; i--) {
    const line = state.log[i];
    if (line.kind !== 'log' || line.stepId === undefined) continue;
    // One line each: a multi-line message would break the live area's fixed height.
    const text = line.text.replace(/\r?\n/g, ' ↵ ');
    if (line.stepId === stepId) out.push(text);
    else if (children.length > 0 && state.steps[line.stepId]?.parentId === stepId)
      out.push(`[${line.stepId}] ${text}`);
  }
  return out.reverse();
}
