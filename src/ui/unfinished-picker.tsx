import { Box, Text, useInput, useStdin } from 'ink';
import SelectInput from 'ink-select-input';
import { tone } from './tone.js';
import { Item, Pointer } from './select-parts.js';

/** One interrupted session as the picker lists it. */
export interface UnfinishedChoice {
  sessionId: string;
  label: string;
}

/** What the operator chose: resume one session, start something new, or quit. */
export type UnfinishedAnswer = { resume: string } | 'new' | 'quit';

export interface UnfinishedPickerProps {
  sessions: UnfinishedChoice[];
  onAnswer: (answer: UnfinishedAnswer) => void;
  limit: number;
}

const NEW = '\u0000new';

/**
 * Shown before anything else when sessions were interrupted: an interrupted rotation may have
 * left Vault and a target disagreeing, which is more urgent than a new one. Resuming checks the
 * real systems for the step that was in flight, then finishes or rolls back as the operator says.
 */
export function UnfinishedPicker({ sessions, onAnswer, limit }: UnfinishedPickerProps) {
  const { isRawModeSupported } = useStdin();
  useInput((input, key) => key.ctrl && input === 'c' && onAnswer('quit'), { isActive: isRawModeSupported });
  const items = [
    ...sessions.map((s) => ({ key: s.sessionId, label: `Resume ${s.label}`, value: s.sessionId })),
    { key: NEW, label: 'Start a new rotation (the sessions above stay unfinished)', value: NEW },
  ];
  return (
    <Box flexDirection="column">
      <Text bold color={tone('yellow')}>{`⚠ ${sessions.length} unfinished session(s)`}</Text>
      <Text wrap="wrap">
        An interrupted rotation may have left Vault and a target disagreeing. Resuming checks the real systems
        for the step that was running, then finishes or rolls back.
      </Text>
      <SelectInput
        indicatorComponent={Pointer}
        itemComponent={Item}
        items={items}
        limit={limit}
        onSelect={(item) => onAnswer(item.value === NEW ? 'new' : { resume: item.value })}
      />
      <Text dimColor>↑/↓ move · Enter choose · Ctrl+C quit</Text>
    </Box>
  );
}
