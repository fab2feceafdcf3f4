import { Box, Text } from 'ink';
import { tone } from './tone.js';

/** ink-select-input's pointer and item, with colour through `tone` so NO_COLOR is honoured. */
export function Pointer({ isSelected = false }: { isSelected?: boolean }) {
  return (
    // Never shrunk by a long label: its wrapped lines would start a column left of the others.
    <Box marginRight={1} flexShrink={0}>
      <Text color={tone('cyan')}>{isSelected ? '›' : ' '}</Text>
    </Box>
  );
}

export function Item({ isSelected = false, label }: { isSelected?: boolean; label: string }) {
  return (
    <Text color={tone(isSelected ? 'cyan' : undefined)} bold={isSelected}>
      {label}
    </Text>
  );
}
