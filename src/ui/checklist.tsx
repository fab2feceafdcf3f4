import { Box, Text, useInput, useStdin } from 'ink';
import type { EnvironmentInfo, RunbookInfo } from '../session/types.js';
import { checklistKey, initialChecklist } from './checklist-state.js';
import { useSyncedState } from './use-synced-state.js';
import { tone } from './tone.js';

/** The runbook's pre-checklist, the last screen before the session starts. */
export interface ChecklistProps {
  runbook: RunbookInfo;
  environment: EnvironmentInfo;
  onDone: () => void;
  onBack: () => void;
}

export function Checklist({ runbook, environment, onDone, onBack }: ChecklistProps) {
  const { isRawModeSupported } = useStdin();
  const [state, ref, setState] = useSyncedState(() => initialChecklist(runbook.checklist.length));
  useInput(
    (input, key) => {
      if (key.escape) return onBack();
      const next = checklistKey(ref.current, { ...key, input });
      setState(next.state);
      if (next.done) onDone();
    },
    { isActive: isRawModeSupported },
  );
  const count = state.ticked.filter(Boolean).length;
  const all = count === state.ticked.length;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Before you start</Text> {runbook.title} on {environment.name}
        {environment.sandbox ? ' [DRILL]' : ''}
        {environment.protected ? ' [PROTECTED]' : ''}
      </Text>
      {runbook.checklist.map((item, i) => (
        <Box key={i}>
          {/* The marks never shrink: a long item would squeeze them and draw its row a column left. */}
          <Box flexShrink={0}>
            <Text color={tone('cyan')}>{i === state.cursor ? '› ' : '  '}</Text>
            <Text color={tone(state.ticked[i] ? 'green' : undefined)}>
              {state.ticked[i] ? '[x] ' : '[ ] '}
            </Text>
          </Box>
          <Text wrap="wrap">{item}</Text>
        </Box>
      ))}
      {state.hint ? <Text color={tone('yellow')}>{state.hint}</Text> : null}
      {all ? (
        <Text bold>All checked. Press Enter to start; every step still asks before it runs.</Text>
      ) : (
        <Text
          dimColor
        >{`${count} of ${state.ticked.length} checked · Space/Enter tick · ↑/↓ move · Esc back · Ctrl+C quit`}</Text>
      )}
    </Box>
  );
}
