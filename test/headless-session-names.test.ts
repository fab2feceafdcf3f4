// Issue 13, item 6: headless output names its session, so the log of a CronJob killed mid-run
// says what to `rotor resume`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempHome } from './support/cli.js';

const homes: Array<() => void> = [];
afterAll(() => homes.forEach((c) => c()));
const home = () => {
  const { home: h, cleanup } = tempHome();
  homes.push(cleanup);
  return h;
};
const demo = ['run', 'demo', '--env', 'sandbox', '--yes', '--set', 'grace_seconds=0'];

/** The JSON Schema of the first `--json` event, as docs/events.md publishes it. */
function firstEventSchema(): {
  required: string[];
  properties: Record<string, { type?: string; const?: string }>;
} {
  const doc = readFileSync(resolve(import.meta.dirname, '../docs/events.md'), 'utf8');
  const block = /<!-- schema: session-started -->\s*```json\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/events.md has no session-started schema block');
  return JSON.parse(block[1]);
}

describe('headless output names its session', () => {
  it('the first --json event carries the session id and the journal path, as the events reference says', async () => {
    const h = home();
    const r = await runCli([...demo, '--json'], { ROTOR_HOME: h });
    expect(r.code, r.stderr).toBe(0);
    const first = JSON.parse(r.stdout.split('\n')[0]) as Record<string, unknown>;
    const [file] = readdirSync(join(h, 'sessions'));
    expect(first).toMatchObject({ type: 'session-started', sessionId: file.replace(/\.jsonl$/, '') });
    expect(first.journalPath).toBe(join(h, 'sessions', file));
    expect(existsSync(first.journalPath as string)).toBe(true);
    const schema = firstEventSchema();
    for (const field of schema.required) expect(first, field).toHaveProperty(field);
    for (const [field, spec] of Object.entries(schema.properties)) {
      if (!(field in first)) continue; // optional (run --due only); required ones were checked above
      if (spec.const !== undefined) expect(first[field], field).toBe(spec.const);
      if (spec.type === 'string') expect(typeof first[field], field).toBe('string');
    }
  });

  it('plain output prints both at the start', async () => {
    const h = home();
    const r = await runCli(demo, { ROTOR_HOME: h });
    expect(r.code, r.stderr).toBe(0);
    const [file] = readdirSync(join(h, 'sessions'));
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^rotor · /);
    expect(lines[1]).toBe(`session ${file.replace(/\.jsonl$/, '')} · journal ${join(h, 'sessions', file)}`);
  });
});
