import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { JournalRecord } from './record.js';

/** A journal read back, with the result of checking its hash chain. */
export interface JournalContents {
  path: string;
  records: JournalRecord[];
  /** Undefined when the chain is intact; otherwise which line breaks it and how. */
  problem?: string;
}

export function journalPath(dir: string, sessionId: string): string {
  return join(dir, `${sessionId}.jsonl`);
}

/** Reads a session's journal; a missing session is a usage error naming where it looked. */
export function readJournal(dir: string, sessionId: string): JournalContents {
  const path = journalPath(dir, sessionId);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(
      `no session ${sessionId} in ${dir}`,
      '`rotor sessions` lists the sessions recorded here',
    );
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const records: JournalRecord[] = [];
  let prev = '';
  let problem: string | undefined;
  lines.forEach((line, i) => {
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      problem ??= `line ${i + 1} is not valid JSON (the file was cut or edited)`;
      return;
    }
    if (!problem && record.seq !== i)
      problem = `line ${i + 1} has sequence number ${record.seq}, expected ${i}: a record is missing or was inserted`;
    if (!problem && record.prev !== prev)
      problem = `line ${i + 1} does not follow line ${i}: the previous record was edited, removed or reordered`;
    prev = createHash('sha256').update(line).digest('hex');
    records.push(record);
  });
  return { path, records, problem };
}

/** Session ids in a folder, newest first. */
export function listSessionIds(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => n.slice(0, -'.jsonl'.length))
    .sort()
    .reverse();
}
