import { Static, Text } from 'ink';
import { useRef } from 'react';
import type { ViewState } from '../engine/view-state.js';
import { formatLogLine } from './log-format.js';
import { isTroubleLine } from './log-words.js';
import { sessionHeading } from './plain-reporter.js';
import { tone } from './tone.js';

interface Item {
  key: string;
  text: string;
  color?: string;
  bold?: boolean;
}

/**
 * Finished lines, printed once above the live area and left in the terminal's scrollback
 * (`<Static>` is append-only). Lines are formatted once each, as they arrive, so a long log costs
 * nothing on later frames.
 */
export function Scrollback({ state }: { state: ViewState }) {
  const cache = useRef<{ seen: number; items: Item[] }>({ seen: 0, items: [] });
  const c = cache.current;
  if (state.plan) {
    // A new array only when lines arrived: <Static> memoises on the array it is given.
    const added: Item[] =
      c.items.length === 0 ? [{ key: 'heading', text: sessionHeading(state.plan), bold: true }] : [];
    for (; c.seen < state.log.length; c.seen++) {
      const line = state.log[c.seen];
      const text = formatLogLine(line, state.steps);
      if (text !== undefined)
        added.push({ key: String(line.seq), text, color: isTroubleLine(line) ? 'red' : undefined });
    }
    if (added.length > 0) c.items = [...c.items, ...added];
  }
  return (
    <Static items={c.items}>
      {(item) => (
        <Text key={item.key} color={tone(item.color)} bold={item.bold}>
          {item.text}
        </Text>
      )}
    </Static>
  );
}
