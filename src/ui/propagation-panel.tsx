import { Text } from 'ink';
import type { ViewState } from '../engine/view-state.js';
import { LINK_MARK, propagationChain, type LinkState } from './propagation.js';
import { tone } from './tone.js';

const COLOR: Record<LinkState, string | undefined> = {
  waiting: undefined,
  active: 'yellow',
  ok: 'green',
  failed: 'red',
  restored: 'magenta',
};

/** One line: where the new value has got to on its way from Vault to the running service. */
export function PropagationPanel({ state }: { state: ViewState }) {
  const links = propagationChain(state);
  if (links.length === 0) return null;
  return (
    <Text wrap="truncate-end">
      {links.map((link, i) => (
        <Text key={link.name}>
          {i > 0 ? <Text dimColor> → </Text> : null}
          <Text color={tone(COLOR[link.state])}>{LINK_MARK[link.state]}</Text> {link.name}
          {link.detail ? ` ${link.detail}` : ''}
        </Text>
      ))}
    </Text>
  );
}
