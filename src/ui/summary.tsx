import { Box, Text, useInput, useStdin } from 'ink';
import type { Outcome } from '../engine/types.js';
import type { StepView, ViewState } from '../engine/view-state.js';
import { stepLineTail } from './step-line.js';
import { STATUS_MARK } from './marks.js';
import { truncate, wrapLines } from './format.js';
import { nextSteps, outcomeHeading } from './next-steps.js';
import { tone } from './tone.js';

/** The end of a session: what happened, per-step times, what to do now, where the journal is. */
export interface SummaryProps {
  state: ViewState;
  outcome: Outcome;
  journalPath: string;
  sessionId: string;
  width: number;
  rows: number;
  /** Called once, with the outcome's exit code, when the operator dismisses the summary. */
  onExit: (exitCode: number) => void;
}

/** Fits the step list in `rows` lines by folding succeeded steps first, oldest first. */
export function foldSteps(steps: StepView[], rows: number): { shown: StepView[]; folded: number } {
  if (steps.length <= rows) return { shown: steps, folded: 0 };
  let excess = steps.length - (rows - 1);
  const shown = steps.filter((s) => {
    if (excess > 0 && s.status === 'succeeded') {
      excess--;
      return false;
    }
    return true;
  });
  const kept = shown.slice(Math.max(0, shown.length - (rows - 1)));
  return { shown: kept, folded: steps.length - kept.length };
}

export function Summary({ state, outcome, journalPath, sessionId, width, rows, onExit }: SummaryProps) {
  const { isRawModeSupported } = useStdin();
  useInput(
    (input, key) => {
      if (key.return || key.escape || input === 'q' || (key.ctrl && input === 'c')) onExit(outcome.exitCode);
    },
    { isActive: isRawModeSupported },
  );
  const head = outcomeHeading(outcome);
  const next = nextSteps(state, outcome).flatMap((line) => wrapLines(line, width - 2, 3));
  const reason = 'reason' in outcome ? outcome.reason : undefined;
  const journalRows = Math.ceil(`Journal: ${journalPath}`.length / Math.max(1, width));
  // Heading, reason, "Steps", "Next", journal, session, key line, one spare: the steps get the rest.
  const room = Math.max(3, rows - 7 - journalRows - next.length);
  const { shown, folded } = foldSteps(
    state.order.map((id) => state.steps[id]),
    room,
  );
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text color={tone(head.color)} bold>{`${head.mark} ${head.text}`}</Text> · {state.plan?.title ?? ''} ·{' '}
        {state.plan?.environment ?? ''}
        {state.plan?.drill ? ' [DRILL]' : ''}
      </Text>
      {reason ? <Text wrap="truncate-end">{`  ${reason}`}</Text> : null}
      <Text bold>Steps</Text>
      {folded > 0 ? <Text dimColor>{`  … ${folded} more step(s), all in the journal`}</Text> : null}
      {shown.map((s) => (
        <Box key={s.id}>
          <Box flexGrow={1} flexShrink={1}>
            <Text wrap="truncate-end">{`  ${STATUS_MARK[s.status].padEnd(2)} ${s.title}`}</Text>
          </Box>
          <Box flexShrink={0}>
            <Text>{` ${stepLineTail(s, state.endedAt ?? 0)}`}</Text>
          </Box>
        </Box>
      ))}
      <Text bold>Next</Text>
      {next.map((line, i) => (
        <Text key={i}>{`  ${line}`}</Text>
      ))}
      <Text wrap="wrap">{`Journal: ${journalPath}`}</Text>
      <Text wrap="truncate-end">
        {truncate(`Session ${sessionId} · review it later with: rotor sessions show ${sessionId}`, width)}
      </Text>
      <Text dimColor>{`Enter or q to exit (exit code ${outcome.exitCode})`}</Text>
    </Box>
  );
}
