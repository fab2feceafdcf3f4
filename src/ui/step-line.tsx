import { Box, Text } from 'ink';
import type { StepView } from '../engine/view-state.js';
import { formatDuration } from './format.js';
import { STATUS_COLOR, STATUS_MARK, STATUS_WORD, isActive } from './marks.js';
import { spinnerFrame } from './spinner.js';
import { tone } from './tone.js';

/** What a step line needs besides the step: the spinner tick and the clock for live durations. */
export interface StepLineProps {
  step: StepView;
  current: boolean;
  tick: number;
  now: number;
}

/** The right-hand column: the status in words where the mark alone is not enough, and the time. */
export function stepLineTail(step: StepView, now: number): string {
  const word = step.status === 'pending' || step.status === 'succeeded' ? '' : STATUS_WORD[step.status];
  const live = step.status === 'running' && step.startedAt !== undefined ? now - step.startedAt : undefined;
  const ms =
    live ?? (step.status === 'pending' || step.status === 'awaiting-approval' ? undefined : step.durationMs);
  const attempt = step.attempt > 1 && step.status === 'running' ? `attempt ${step.attempt}` : '';
  return [word, attempt, ms !== undefined ? formatDuration(Math.max(0, ms)) : ''].filter(Boolean).join(' · ');
}

/**
 * One step in the list: mark, title (cut to fit), a point-of-no-return warning (after it, a
 * rollback means rotating again), status word and duration.
 */
export function StepLine({ step, current, tick, now }: StepLineProps) {
  const mark = isActive(step.status) ? spinnerFrame(tick) : STATUS_MARK[step.status];
  const group =
    step.children.length > 0 && step.progress
      ? ` (${step.progress.done}/${step.progress.total})`
      : step.children.length > 0
        ? ` (${step.children.length} in parallel)`
        : '';
  return (
    <Box>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end" bold={current}>
          <Text color={tone(STATUS_COLOR[step.status])}>{mark.padEnd(2)}</Text> {step.title}
          {group}
          {step.noReturn ? <Text color={tone('yellow')}> ⚠ no return</Text> : null}
        </Text>
      </Box>
      <Box flexShrink={0} marginLeft={1}>
        <Text dimColor={!current}>{stepLineTail(step, now)}</Text>
      </Box>
    </Box>
  );
}
