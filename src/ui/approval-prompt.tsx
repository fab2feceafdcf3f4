import { Box, Text, useInput, useStdin } from 'ink';
import type { Answer, DecisionRequest } from '../engine/types.js';
import { approvalKey, confirmationsFor, helpFor, initialApprovalState, legendFor } from './approval-state.js';
import { wrapLines } from './format.js';
import type { PendingPrompt } from './prompt-store.js';
import { useSyncedState } from './use-synced-state.js';
import { tone } from './tone.js';

/** A decision the engine waits for, with the room the screen can give it. */
export interface ApprovalPromptProps {
  prompt: PendingPrompt<DecisionRequest, Answer>;
  width: number;
  /** Lines the whole prompt may take; the description or error gets what the rest leaves. */
  rows: number;
}

function heading(request: DecisionRequest): { mark: string; color: string; text: string } {
  if (request.kind === 'approve') {
    const what = request.step.changes ? 'changes something' : 'read-only';
    return { mark: '?', color: 'yellow', text: `Approve ${request.step.title} (${what})` };
  }
  if (request.kind === 'failure')
    return {
      mark: '✘',
      color: 'red',
      text: `${request.step.title} failed (attempt ${request.attempt}). What now?`,
    };
  const where = request.step ? ` at ${request.step.title}` : '';
  return {
    mark: '■',
    color: 'yellow',
    text: `Interrupted (Ctrl+C)${where}. Roll back, leave as is, or continue?`,
  };
}

/**
 * The one place keys answer the engine: approve, skip, retry, abort, roll back, and the Ctrl+C
 * choices. Listens only while its prompt is pending; keyed per prompt by the parent, so a new
 * question starts with a clean state.
 */
export function ApprovalPrompt({ prompt, width, rows }: ApprovalPromptProps) {
  const { isRawModeSupported } = useStdin();
  const [state, ref, setState] = useSyncedState(initialApprovalState);
  const { request } = prompt;
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return; // Ctrl+C belongs to the run screen
      const next = approvalKey(request, ref.current, { ...key, input });
      setState(next.state);
      if (next.decision) prompt.answer(next.decision);
    },
    { isActive: isRawModeSupported },
  );
  const head = heading(request);
  const body =
    request.kind === 'approve' ? request.description : request.kind === 'failure' ? request.error : '';
  const wanted = state.confirming ? confirmationsFor(request)[state.confirming.index] : undefined;
  const hint = state.hint ? wrapLines(state.hint, width - 2, 3) : [];
  const help = state.help ? helpFor(request.kind) : [];
  const bodyRows = Math.max(2, rows - 2 - (wanted ? 1 : 0) - hint.length - help.length);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={tone(head.color)} bold>
          {head.mark}
        </Text>{' '}
        <Text bold>{head.text}</Text>
      </Text>
      {body
        ? wrapLines(body, width - 2, bodyRows).map((line, i) => (
            <Text key={i}>
              {'  '}
              {line}
            </Text>
          ))
        : null}
      {wanted ? (
        <Text wrap="truncate-end">
          {'  '}Type {wanted.what} <Text bold>{wanted.text}</Text> to approve: {state.confirming!.typed}▌
        </Text>
      ) : null}
      {hint.map((line, i) => (
        <Text key={`hint${i}`} color={tone('yellow')}>{`  ${line}`}</Text>
      ))}
      {help.map((line) => (
        <Text key={line} dimColor wrap="truncate-end">{`  ${line}`}</Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {'  '}
        {wanted ? 'Enter confirm · Esc back' : legendFor(request.kind)}
      </Text>
    </Box>
  );
}
