import { shortDuration } from './duration-text.js';
import { HOP_MARK, STATE_WORD } from './marks.js';
import type { CheckRow, CheckSummary } from './types.js';

/** Column widths that fit 80 columns. */
export const COLUMNS = { path: 30, vault: 12, secret: 7, pods: 9, target: 7, state: 11 } as const;

const fit = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
const left = (s: string, n: number) => (s.length > n ? `…${s.slice(s.length - n + 1)}` : s.padEnd(n));

/** The header line of the table (`pathWidth` narrower leaves room for a cursor). */
export function headerLine(pathWidth: number = COLUMNS.path): string {
  const c = COLUMNS;
  return [
    fit('SECRET', pathWidth),
    fit('VAULT', c.vault),
    fit('SYNC', c.secret),
    fit('PODS', c.pods),
    fit('TARGET', c.target),
    'STATE',
  ].join(' ');
}

/** The Vault cell: version and age, or how long overdue. */
function vaultCell(row: CheckRow): string {
  const hop = row.hops.vault;
  const version = hop.facts?.version;
  if (hop.state === 'overdue') return `${HOP_MARK.overdue} +${shortDuration(row.overdue_seconds ?? 0)}`;
  if (version === undefined) return HOP_MARK[hop.state];
  return `${HOP_MARK[hop.state]} v${version} ${row.age_seconds !== undefined ? shortDuration(row.age_seconds) : ''}`.trimEnd();
}

function podsCell(row: CheckRow): string {
  const facts = row.hops.pods.facts;
  const counts = facts && facts.total ? ` ${facts.current}/${facts.total}` : '';
  return `${HOP_MARK[row.hops.pods.state]}${counts}`;
}

/** One row of the table (the path is cut from the left: its end tells secrets apart). */
export function rowLine(row: CheckRow, pathWidth: number = COLUMNS.path): string {
  const c = COLUMNS;
  return [
    left(row.secret_path, pathWidth),
    fit(vaultCell(row), c.vault),
    fit(HOP_MARK[row.hops.secret.state], c.secret),
    fit(podsCell(row), c.pods),
    fit(HOP_MARK[row.hops.target.state], c.target),
    STATE_WORD[row.state],
  ].join(' ');
}

/** What broke and the command that repairs it, for a row that does not agree. */
export function findingLines(row: CheckRow): string[] {
  if (!row.broken) return [];
  const lines = [`${row.secret_path}: ${row.broken}: ${row.hops[row.broken].detail}`];
  lines.push(
    row.repair ? `  repair: ${row.repair.command}` : '  repair: none rotor knows; see the reason above',
  );
  return lines;
}

/** "12 secrets: 9 agree, 2 drift, 1 overdue, 0 unreachable" (forbidden and not judged when any). */
export function summaryLine(s: CheckSummary): string {
  const parts = [
    `${s.agree} agree`,
    `${s.drift} drift`,
    `${s.overdue} overdue`,
    `${s.unreachable} unreachable`,
  ];
  if (s.forbidden) parts.push(`${s.forbidden} forbidden`);
  if (s.not_judged) parts.push(`${s.not_judged} not judged`);
  return `${s.total} secret${s.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
