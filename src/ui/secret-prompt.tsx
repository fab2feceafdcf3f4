import { Box, Text } from 'ink';
import { useState } from 'react';
import { Secret } from '../engine/secret.js';
import type { PendingPrompt } from './prompt-store.js';
import { TextField } from './text-field.js';
import { tone } from './tone.js';

/** The label a typed secret carries in the engine's registry: names the prompt, never the value. */
export function secretLabel(prompt: string): string {
  return `typed: ${prompt}`;
}

/** Masked entry in the middle of a step (an unseal key share); Esc fails the step instead. */
export function SecretPrompt({ prompt }: { prompt: PendingPrompt<string, Secret> }) {
  const [value, setValue] = useState('');
  const [hint, setHint] = useState<string>();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={tone('yellow')} bold>
          ?
        </Text>{' '}
        <Text bold>{prompt.request}</Text> (typed characters are hidden)
      </Text>
      <Text>
        {'  '}
        <TextField
          value={value}
          mask
          focus
          onChange={(v) => {
            setValue(v);
            setHint(undefined);
          }}
          onSubmit={(v) =>
            v === ''
              ? setHint('Nothing typed: type the value, or Esc to cancel the step.')
              : prompt.answer(new Secret(v, secretLabel(prompt.request)))
          }
          onCancel={() => prompt.cancel(new Error(`the operator cancelled the entry of "${prompt.request}"`))}
        />
      </Text>
      {hint ? <Text color={tone('yellow')}>{`  ${hint}`}</Text> : null}
      <Text dimColor>{'  Enter submit · Esc cancel (the step fails)'}</Text>
    </Box>
  );
}
