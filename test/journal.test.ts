import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalWriter, newSessionId } from '../src/journal/journal-writer.js';
import { readJournal, listSessionIds } from '../src/journal/journal-reader.js';
import { summarizeSession } from '../src/journal/session-summary.js';
import { markdownReport } from '../src/ui/markdown-report.js';
import { sessionsDir } from '../src/journal/state-dir.js';
import { Secret } from '../src/engine/secret.js';
import { runFake } from './support/fake-engine.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rotor-journal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const CANARY = 'canary-Zq8Hk2mP9xL';

async function journalOfRun(dir: string): Promise<string> {
  const id = newSessionId();
  const journal = new JournalWriter(dir, id);
  journal.record({
    type: 'session-opened',
    sessionId: id,
    operator: 'op@host',
    environment: 'test',
    drill: true,
    rotorVersion: '0',
    command: 'run x',
  });
  await runFake(
    `id: j\ntitle: J\ninputs:\n  pw: { secret: true }\nsteps:\n  - { id: a, do: fake.set, with: { key: a, value: "{{ inputs.pw }}" } }\n  - { id: b, do: fake.set, with: { key: a, value: other } }\n`,
    { inputs: { pw: CANARY }, onEvent: (e) => journal.record(e) },
  );
  journal.close();
  return id;
}

describe('session journal', () => {
  it('is created 0600 inside a 0700 folder', async () => {
    const home = tempDir();
    const dir = sessionsDir({ ROTOR_HOME: home });
    const id = await journalOfRun(dir);
    expect(statSync(join(dir, `${id}.jsonl`)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  it('holds secrets only as hmac-sha256 and the same secret hashes the same within a session', async () => {
    const dir = tempDir();
    const id = await journalOfRun(dir);
    const text = readFileSync(join(dir, `${id}.jsonl`), 'utf8');
    expect(text).not.toContain(CANARY);
    const hashes = text.match(/hmac-sha256:[0-9a-f]{64}/g) ?? [];
    expect(hashes.length).toBeGreaterThanOrEqual(2); // the input, and step b's "previous" output
    expect(new Set(hashes).size).toBe(1);
  });

  it('hashes two different secrets differently and keeps keys per session', () => {
    const dir = tempDir();
    const a = new JournalWriter(dir, 'a');
    const b = new JournalWriter(dir, 'b');
    expect(a.hmac('x')).not.toBe(a.hmac('y'));
    expect(a.hmac('x')).not.toBe(b.hmac('x'));
    a.record({ type: 'session-refused', reason: 'r', exitCode: 2, secret: new Secret(CANARY) } as never);
    a.close();
    b.close();
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).not.toContain(CANARY);
  });

  it('verifies an intact chain and finds an edited, a removed and an inserted record', async () => {
    const dir = tempDir();
    const id = await journalOfRun(dir);
    expect(readJournal(dir, id).problem).toBeUndefined();
    const path = join(dir, `${id}.jsonl`);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');

    writeFileSync(
      path,
      [...lines.slice(0, 3), lines[3].replace('"approve"', '"skip"'), ...lines.slice(4)].join('\n') + '\n',
    );
    expect(readJournal(dir, id).problem).toMatch(/^line 5 does not follow line 4/);

    writeFileSync(path, [...lines.slice(0, 3), ...lines.slice(4)].join('\n') + '\n');
    expect(readJournal(dir, id).problem).toMatch(/^line 4 has sequence number 4, expected 3/);

    writeFileSync(path, [...lines.slice(0, 3), lines[2], ...lines.slice(3)].join('\n') + '\n');
    expect(readJournal(dir, id).problem).toMatch(/^line 4 has sequence number 2/);
  });

  it('summarises and renders a session as Markdown from the records alone', async () => {
    const dir = tempDir();
    const id = await journalOfRun(dir);
    expect(listSessionIds(dir)).toEqual([id]);
    const summary = summarizeSession(id, readJournal(dir, id));
    expect(summary).toMatchObject({
      environment: 'test',
      drill: true,
      status: 'succeeded',
      exitCode: 0,
      intact: true,
    });
    const md = markdownReport(id, readJournal(dir, id));
    expect(md).toContain(`# rotor session ${id} (drill)`);
    expect(md).toContain('| a | succeeded |');
    expect(md).not.toContain(CANARY);
  });
});
