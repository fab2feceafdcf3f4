import { Box, Text } from 'ink';
import { useState } from 'react';
import type { RunbookInfo } from '../session/types.js';
import { InputDetail, DETAIL_LINES } from './input-review-detail.js';
import {
  entryProblem,
  initialEntries,
  lockedReason,
  type GivenValues,
  type ReviewContext,
} from './input-review-model.js';
import { InputRow, rowLayout } from './input-review-row.js';
import { ACCEPT_KEY, SAVE_KEY } from './input-review-state.js';
import { stepWindow } from './step-window.js';
import { tone } from './tone.js';
import { useInputReview, type ReviewHandlers } from './use-input-review.js';
import { useTerminalSize } from './use-terminal-size.js';

/** Every input of a runbook on one screen: review them, change what differs, accept all. */
export interface InputReviewProps extends ReviewHandlers {
  runbook: RunbookInfo;
  /** Values given before the screen (flags, environment, a policy, the session being resumed). */
  given?: GivenValues;
  /** Resuming a session: non-secret inputs are read-only, secret ones are typed again. */
  resuming?: boolean;
  /** A policy's run: names the policy that `s` saves the edits to (absent: no saving). */
  saveTo?: string;
  /** Inputs that cannot change on this screen, with the reason shown when Enter is pressed. */
  fixed?: Readonly<Record<string, string>>;
}

/** Lines around the list: the title, the detail area, a notice, the key legend, and one spare. */
const FRAME = 1 + DETAIL_LINES + 1 + 1 + 1;

function legend(editing: boolean, choices: boolean, saveTo: string | undefined): string {
  if (editing)
    return choices
      ? '←/→ or ↑/↓ choose · Enter keep · Esc cancel'
      : 'type the value · Enter keep (empty: the default) · Ctrl+U clear · Esc cancel';
  // A policy's run needs the words "this run" and "save": the legend stays within 80 columns.
  return [
    saveTo ? '↑/↓' : '↑/↓ move',
    'Enter edit',
    saveTo ? `${ACCEPT_KEY} accept for this run` : `${ACCEPT_KEY} accept all`,
    saveTo ? `${SAVE_KEY} accept + save to policy` : undefined,
    'Esc back',
    saveTo ? undefined : 'Ctrl+C quit',
  ]
    .filter(Boolean)
    .join(' · ');
}

export function InputReview({ runbook, given, resuming, saveTo, fixed, onDone, onBack }: InputReviewProps) {
  const { rows, columns } = useTerminalSize();
  const [ctx] = useState<ReviewContext>(() => ({ inputs: runbook.inputs, resuming, fixed }));
  const room = Math.max(3, rows - FRAME);
  const state = useInputReview(
    ctx,
    () => initialEntries(ctx, given),
    { onDone, onBack },
    { page: room - 2, canSave: saveTo !== undefined },
  );
  const problems = ctx.inputs.map((spec) => entryProblem(ctx, state.entries, spec));
  const open = problems.filter(Boolean).length;
  const window = stepWindow(ctx.inputs.length, state.cursor, room);
  const layout = rowLayout(ctx.inputs, state.entries, columns);
  const spec = ctx.inputs[state.cursor];
  return (
    <Box flexDirection="column">
      <Box>
        <Box flexShrink={1}>
          <Text wrap="truncate-end">
            <Text bold>Inputs</Text> for {runbook.title}
          </Text>
        </Box>
        <Box flexShrink={0}>
          <Text>
            {` · ${ctx.inputs.length}${resuming ? ' · resuming' : ''}`}
            {open > 0 ? <Text color={tone('yellow')}>{` · ${open} to fill in`}</Text> : ' · all set'}
          </Text>
        </Box>
      </Box>
      {window.before > 0 ? <Text dimColor>{`    ↑ ${window.before} more`}</Text> : null}
      {ctx.inputs.slice(window.start, window.end).map((input, i) => (
        <InputRow
          key={input.name}
          spec={input}
          entry={state.entries[input.name]}
          layout={layout}
          selected={window.start + i === state.cursor}
          problem={problems[window.start + i] !== undefined}
          locked={lockedReason(ctx, input) !== undefined}
        />
      ))}
      {window.after > 0 ? <Text dimColor>{`    ↓ ${window.after} more`}</Text> : null}
      {spec ? <InputDetail spec={spec} state={state} problem={problems[state.cursor]} /> : null}
      <Text color={tone('yellow')} wrap="truncate-end">
        {state.notice ?? ' '}
      </Text>
      <Text dimColor wrap="truncate-end">
        {legend(state.editing !== undefined, spec?.choices !== undefined, saveTo)}
      </Text>
    </Box>
  );
}
