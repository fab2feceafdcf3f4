import { Box, Text, useInput, useStdin } from 'ink';
import { useEffect, useReducer } from 'react';
import { HOP_MARK, STATE_WORD } from '../check/marks.js';
import { headerLine, rowLine, summaryLine } from '../check/table.js';
import { HOP_NAMES, type CheckRow, type Repair } from '../check/types.js';
import { fleetSummary, initialFleet, reduceFleet, windowStart } from './check-fleet-state.js';
import { tone } from './tone.js';
import { useTerminalSize } from './use-terminal-size.js';

/** Runs the check, calling `onRow` as each secret is judged; resolves when all are. */
export type StartCheck = (onRow: (row: CheckRow) => void) => Promise<unknown>;

/** The fleet screen: every secret's hops, filling in live, and the repair of the one opened. */
export interface CheckFleetProps {
  environment: string;
  start: StartCheck;
  /** Enter on an opened row with a repair: run that runbook with its inputs. */
  onRepair: (repair: Repair) => void;
  onBack: () => void;
}

const COLOR: Record<CheckRow['state'], string> = {
  agree: 'green',
  drift: 'red',
  overdue: 'yellow',
  unreachable: 'magenta',
  forbidden: 'magenta',
  'not-judged': 'gray',
};

// Pointer (2) + table: the path column gives up two characters so a row still fits 80 columns.
const PATH_WIDTH = 28;

/** One secret's hops, with what broke and the runbook that repairs it. */
function RowDetail({ row }: { row: CheckRow }) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{row.secret_path}</Text>
        {' — '}
        <Text color={tone(COLOR[row.state])}>{STATE_WORD[row.state]}</Text>
      </Text>
      {HOP_NAMES.map((hop) => (
        <Text key={hop} wrap="wrap">
          {`${HOP_MARK[row.hops[hop].state]} ${hop.padEnd(7)}${row.hops[hop].detail}`}
        </Text>
      ))}
      {row.consumers.length ? (
        <Text dimColor wrap="truncate-end">{`read by ${row.consumers.join(', ')}`}</Text>
      ) : null}
      {row.repair ? (
        <Text wrap="wrap">{`Repair: ${row.repair.command}`}</Text>
      ) : row.broken ? (
        <Text dimColor>No runbook repairs this: see the reason above.</Text>
      ) : null}
      <Text dimColor>
        {row.repair ? `Enter run ${row.repair.runbook} · Esc back to the table` : 'Esc back to the table'}
      </Text>
    </Box>
  );
}

export function CheckFleet({ environment, start, onRepair, onBack }: CheckFleetProps) {
  const { isRawModeSupported } = useStdin();
  const { rows: height } = useTerminalSize();
  const [state, dispatch] = useReducer(reduceFleet, initialFleet);
  useEffect(() => {
    let live = true;
    start((row) => live && dispatch({ type: 'row', row })).then(
      () => live && dispatch({ type: 'done' }),
      (error: unknown) => live && dispatch({ type: 'failed', message: (error as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [start]);
  const opened = state.rows.find((r) => r.secret_path === state.open);
  useInput(
    (input, key) => {
      if (key.upArrow) dispatch({ type: 'move', by: -1 });
      else if (key.downArrow) dispatch({ type: 'move', by: 1 });
      else if (key.pageUp) dispatch({ type: 'move', by: -10 });
      else if (key.pageDown) dispatch({ type: 'move', by: 10 });
      else if (key.return) {
        if (opened?.repair) onRepair(opened.repair);
        else if (!opened) dispatch({ type: 'open' });
      } else if (key.escape) {
        if (opened) dispatch({ type: 'close' });
        else onBack();
      }
      void input;
    },
    { isActive: isRawModeSupported },
  );
  if (opened) return <RowDetail row={opened} />;
  // Title, header, summary, error and help take five lines of the screen; rows get the rest.
  const visible = Math.max(3, height - 6);
  const first = windowStart(state.cursor, state.rows.length, visible);
  const shown = state.rows.slice(first, first + visible);
  const progress = state.done ? `${state.rows.length} checked` : `checking… ${state.rows.length} so far`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Check every secret</Text>
        {` in ${environment} · ${progress}`}
      </Text>
      <Text dimColor>{`  ${headerLine(PATH_WIDTH)}`}</Text>
      {shown.map((row, i) => {
        const selected = first + i === state.cursor;
        return (
          <Text key={row.secret_path} color={tone(COLOR[row.state])} bold={selected} wrap="truncate-end">
            {`${selected ? '›' : ' '} ${rowLine(row, PATH_WIDTH)}`}
          </Text>
        );
      })}
      <Text wrap="truncate-end">{summaryLine(fleetSummary(state))}</Text>
      {state.error ? <Text color={tone('red')} wrap="wrap">{`✘ ${state.error}`}</Text> : null}
      <Text dimColor>↑/↓ move · Enter hops and repair · Esc back</Text>
    </Box>
  );
}
