import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import { useState } from 'react';
import type { EnvironmentInfo } from '../session/types.js';
import { tone } from './tone.js';
import { Item, Pointer } from './select-parts.js';

/** Badges in words, so a protected environment stands out without colour. */
export function environmentLabel(env: EnvironmentInfo): string {
  const badges = [
    env.sandbox ? '[sandbox · drill]' : undefined,
    env.protected ? '[PROTECTED: you type its name before the first change]' : undefined,
  ].filter(Boolean);
  return [env.name, ...badges].join('  ');
}

/** Picks where the runbook runs; the highlighted environment's description shows underneath. */
export interface EnvironmentPickerProps {
  environments: EnvironmentInfo[];
  onPick: (env: EnvironmentInfo) => void;
  /** Said above the list: why the screen was not skipped (an unknown `--env`). */
  notice?: string;
  limit: number;
}

export function EnvironmentPicker({ environments, onPick, notice, limit }: EnvironmentPickerProps) {
  const [highlighted, setHighlighted] = useState(environments[0]);
  return (
    <Box flexDirection="column">
      <Text bold>Choose an environment</Text>
      {notice ? <Text color={tone('yellow')}>{notice}</Text> : null}
      <SelectInput
        indicatorComponent={Pointer}
        itemComponent={Item}
        items={environments.map((e) => ({ key: e.name, label: environmentLabel(e), value: e }))}
        limit={limit}
        onHighlight={(item) => setHighlighted(item.value)}
        onSelect={(item) => onPick(item.value)}
      />
      {highlighted?.description ? (
        <Box paddingLeft={2}>
          <Text wrap="wrap">{highlighted.description}</Text>
        </Box>
      ) : null}
      <Text dimColor>↑/↓ move · Enter choose · Ctrl+C quit</Text>
    </Box>
  );
}
