import type { StepStatus } from '../engine/types.js';
import type { StepView, ViewState } from '../engine/view-state.js';
import { STATUS_MARK, STATUS_WORD } from './marks.js';

/** The statuses worth naming while a group runs, in the order a reader scans them. */
const ORDER: StepStatus[] = [
  'succeeded',
  'running',
  'failed',
  'undoing',
  'rolled-back',
  'undo-failed',
  'skipped',
  'pending',
];
const ACTIVE = new Set<StepStatus>(['running', 'undoing', 'failed', 'undo-failed']);

/** How a group's children stand: counts per status, and the ones worth showing one by one. */
export interface GroupCounts {
  counts: Partial<Record<StepStatus, number>>;
  active: StepView[];
  children: StepView[];
}

export function groupCounts(state: ViewState, group: StepView): GroupCounts {
  const counts: Partial<Record<StepStatus, number>> = {};
  const children: StepView[] = [];
  const active: StepView[] = [];
  for (const id of group.children) {
    const child = state.steps[id];
    if (!child) continue;
    children.push(child);
    counts[child.status] = (counts[child.status] ?? 0) + 1;
    if (ACTIVE.has(child.status)) active.push(child);
  }
  return { counts, active, children };
}

/** "✔ 412 done · ▶ 4 running · ○ 584 pending": every non-zero status, marks and words. */
export function countsLine(counts: GroupCounts['counts']): string {
  return ORDER.filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${STATUS_MARK[s]} ${counts[s]} ${STATUS_WORD[s]}`)
    .join(' · ');
}

/** A child's short name in the grid: the for_each item when the title carries one. */
export function cellLabel(child: StepView): string {
  const at = child.title.lastIndexOf(': ');
  return at >= 0 ? child.title.slice(at + 2) : child.title;
}
