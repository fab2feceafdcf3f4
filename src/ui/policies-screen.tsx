import { Box, Text, useInput, useStdin } from 'ink';
import { useEffect, useState } from 'react';
import type { HistoryEntry } from '../policy/history.js';
import type { PolicyRow } from '../policy/policy-rows.js';
import { PoliciesHistory } from './policies-history.js';
import { PoliciesList } from './policies-list.js';

/**
 * The policies screen: what is due or due soon with each secret's last status, and one secret's
 * history on Enter. It renders plain data; the caller reads Vault (see loadPoliciesScreen in
 * src/services/policy-screen-data.ts) and passes `loadHistory` for the one secret opened.
 */
export interface PoliciesScreenProps {
  environment: string;
  /** In the order to show them (dueSoonFirst). */
  rows: PolicyRow[];
  now: Date;
  loadHistory: (secretPath: string) => Promise<HistoryEntry[]>;
  /** Esc on the list; absent when there is nowhere to go back to. */
  onBack?: () => void;
  /** `r` on a row: run that policy's rotation now, inputs reviewed first (absent: not offered). */
  onRun?: (secretPath: string) => void;
  /** Rows shown at once (the terminal's height minus the frame). */
  limit?: number;
  width?: number;
}

type Opened = { path: string; entries?: HistoryEntry[]; error?: string };

export function PoliciesScreen({
  environment,
  rows,
  now,
  loadHistory,
  onBack,
  onRun,
  limit = 12,
  width = 80,
}: PoliciesScreenProps) {
  const { isRawModeSupported } = useStdin();
  const [selected, setSelected] = useState(0);
  const [opened, setOpened] = useState<Opened | undefined>();

  useEffect(() => {
    if (!opened || opened.entries || opened.error) return;
    let live = true;
    loadHistory(opened.path).then(
      (entries) => live && setOpened((o) => (o?.path === opened.path ? { ...o, entries } : o)),
      (error: unknown) =>
        live && setOpened((o) => (o?.path === opened.path ? { ...o, error: (error as Error).message } : o)),
    );
    return () => {
      live = false;
    };
  }, [opened, loadHistory]);

  useInput(
    (input, key) => {
      if (opened) {
        if (key.escape || key.leftArrow) setOpened(undefined);
        return;
      }
      if (key.downArrow || input === 'j') setSelected((s) => Math.min(rows.length - 1, s + 1));
      else if (key.upArrow || input === 'k') setSelected((s) => Math.max(0, s - 1));
      else if (key.pageDown) setSelected((s) => Math.min(rows.length - 1, s + limit));
      else if (key.pageUp) setSelected((s) => Math.max(0, s - limit));
      else if (key.return && rows[selected]) setOpened({ path: rows[selected].secret_path });
      else if (input === 'r' && onRun && rows[selected]) onRun(rows[selected].secret_path);
      else if (key.escape) onBack?.();
    },
    { isActive: isRawModeSupported },
  );

  const due = rows.filter((r) => r.due).length;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Rotation policies</Text> in {environment} · {due} due · {rows.length}{' '}
        {rows.length === 1 ? 'policy' : 'policies'}
      </Text>
      {opened ? (
        <PoliciesHistory
          secretPath={opened.path}
          entries={opened.entries}
          error={opened.error}
          limit={limit}
          width={width}
        />
      ) : rows.length === 0 ? (
        <Text dimColor>no rotation policies yet: rotor policy add &lt;secret_path&gt; creates one</Text>
      ) : (
        <PoliciesList rows={rows} selected={selected} limit={limit} now={now} width={width} />
      )}
      <Text dimColor>
        {opened
          ? 'Esc back to the policies'
          : `↑/↓ move · Enter history${onRun && rows.length > 0 ? ' · r run now' : ''}${onBack ? ' · Esc back' : ''}`}
      </Text>
    </Box>
  );
}
