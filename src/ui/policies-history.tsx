import { Box, Text } from 'ink';
import type { HistoryEntry } from '../policy/history.js';
import { shortDuration, shortTime } from '../policy/policy-text.js';
import { truncate } from './format.js';
import { tone } from './tone.js';

/** One secret's recorded rotations, newest first, as many as fit. */
export interface PoliciesHistoryProps {
  secretPath: string;
  /** undefined while loading. */
  entries?: HistoryEntry[];
  error?: string;
  limit: number;
  width: number;
}

const statusTone = (status: string) =>
  status === 'success' ? 'green' : status === 'rolled_back' ? 'yellow' : 'red';

export function PoliciesHistory({ secretPath, entries, error, limit, width }: PoliciesHistoryProps) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{`History of ${secretPath}`}</Text>
      {error ? <Text color={tone('red')}>{`could not read the history: ${error}`}</Text> : null}
      {!error && entries === undefined ? <Text dimColor>reading the history…</Text> : null}
      {entries?.length === 0 ? <Text dimColor>no rotations recorded yet</Text> : null}
      {entries && entries.length > 0 ? (
        <Text dimColor wrap="truncate-end">
          {'TIME (UTC)           STATUS       DURATION  TRY  SESSION               ERROR'}
        </Text>
      ) : null}
      {entries?.slice(0, limit).map((e) => (
        <Text key={`${e.session_id}-${e.ended_at}`} wrap="truncate-end">
          {shortTime(e.ended_at)}
          {'  '}
          <Text color={tone(statusTone(e.status))}>{e.status.padEnd(12)}</Text>{' '}
          {shortDuration(e.duration_seconds).padEnd(9)} {String(e.attempt).padEnd(4)}{' '}
          {e.session_id.padEnd(21)} {truncate(e.error ?? '', Math.max(10, width - 75))}
        </Text>
      ))}
      {entries && entries.length > limit ? (
        <Text dimColor>{`… ${entries.length - limit} older (rotor history ${secretPath})`}</Text>
      ) : null}
    </Box>
  );
}
