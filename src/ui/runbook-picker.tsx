import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import { useState } from 'react';
import type { EnvironmentInfo, RunbookInfo } from '../session/types.js';
import { useEscape } from './use-escape.js';
import { tone } from './tone.js';
import { Item, Pointer } from './select-parts.js';

/** Picks the runbook; the highlighted one's description, inputs and checklist size show underneath. */
export interface RunbookPickerProps {
  runbooks: RunbookInfo[];
  environment: EnvironmentInfo;
  onPick: (runbook: RunbookInfo) => void;
  onBack?: () => void;
  notice?: string;
  limit: number;
  /** Offers "Check every secret" first: the fleet screen (rotor check). */
  onCheck?: () => void;
}

/** The picker's first entry when the fleet check is offered. */
export const CHECK_EVERY_SECRET = 'Check every secret (Vault, Kubernetes and pods agree?)';

function facts(runbook: RunbookInfo): string {
  const inputs = runbook.inputs.map((i) => (i.secret ? `${i.name} (secret)` : i.name));
  return [
    inputs.length ? `inputs: ${inputs.join(', ')}` : 'no inputs',
    `${runbook.checklist.length} checklist item(s)`,
    runbook.file,
  ].join(' · ');
}

export function RunbookPicker({
  runbooks,
  environment,
  onPick,
  onBack,
  notice,
  limit,
  onCheck,
}: RunbookPickerProps) {
  const [highlighted, setHighlighted] = useState<RunbookInfo | undefined>(onCheck ? undefined : runbooks[0]);
  useEscape(onBack);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Choose a runbook</Text> for {environment.name}
        {environment.sandbox ? ' [DRILL]' : ''}
        {environment.protected ? ' [PROTECTED]' : ''}
      </Text>
      {notice ? <Text color={tone('yellow')}>{notice}</Text> : null}
      <SelectInput
        indicatorComponent={Pointer}
        itemComponent={Item}
        items={[
          ...(onCheck ? [{ key: '#check', label: CHECK_EVERY_SECRET, value: undefined }] : []),
          ...runbooks.map((r) => ({
            key: r.id,
            label: `${r.title} (${r.id})`,
            value: r as RunbookInfo | undefined,
          })),
        ]}
        limit={limit}
        onHighlight={(item) => setHighlighted(item.value)}
        onSelect={(item) => (item.value ? onPick(item.value) : onCheck?.())}
      />
      {highlighted?.description ? (
        <Box paddingLeft={2}>
          <Text wrap="wrap">{highlighted.description.trim()}</Text>
        </Box>
      ) : null}
      {highlighted ? <Text dimColor wrap="truncate-end">{`  ${facts(highlighted)}`}</Text> : null}
      <Text dimColor>{`↑/↓ move · Enter choose${onBack ? ' · Esc back' : ''} · Ctrl+C quit`}</Text>
    </Box>
  );
}
