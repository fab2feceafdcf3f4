import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempHome } from './support/cli.js';

const homes: Array<() => void> = [];
function home(): string {
  const h = tempHome();
  homes.push(h.cleanup);
  return h.home;
}
afterEach(() => homes.splice(0).forEach((c) => c()));

function journals(h: string): string[] {
  try {
    return readdirSync(join(h, 'sessions'));
  } catch {
    return [];
  }
}

function records(h: string, file: string): Array<Record<string, unknown>> {
  return readFileSync(join(h, 'sessions', file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('rotor headless', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs the demo runbook in the sandbox with --yes and journals it as a drill', async () => {
    const h = home();
    const r = await runCli(['run', 'demo', '--env', 'sandbox', '--yes', '--set', 'grace_seconds=0'], {
      ROTOR_HOME: h,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Service health answers 200');
    const [file] = journals(h);
    expect(file).toMatch(/\.jsonl$/);
    const recs = records(h, file);
    expect(recs[0]).toMatchObject({
      type: 'session-opened',
      environment: 'sandbox',
      drill: true,
      runbookId: 'demo',
    });
    expect(recs.at(-1)).toMatchObject({
      type: 'session-ended',
      outcome: { status: 'succeeded', exitCode: 0 },
    });
    const id = file.replace('.jsonl', '');
    const list = await runCli(['sessions'], { ROTOR_HOME: h });
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain('drill');
    const verify = await runCli(['sessions', 'verify', id], { ROTOR_HOME: h });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('hash chain intact');
    const md = await runCli(['sessions', 'show', id, '--markdown'], { ROTOR_HOME: h });
    expect(md.stdout).toContain('| Outcome | **succeeded** (exit 0) |');
  });

  it('prints one JSON event per line with --json', async () => {
    const r = await runCli(
      ['run', 'demo', '--env', 'sandbox', '--yes', '--json', '--set', 'grace_seconds=0'],
      { ROTOR_HOME: home() },
    );
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(events[0].type).toBe('session-started');
    expect(events.at(-1)).toMatchObject({ type: 'session-ended', outcome: { status: 'succeeded' } });
  });

  it('prints the plan with --dry-run, changes nothing and starts no session', async () => {
    const h = home();
    const r = await runCli(['run', 'demo', '--env', 'sandbox', '--dry-run'], { ROTOR_HOME: h });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing will be changed');
    expect(r.stdout).toContain('GET ‹env.ROTOR_SERVICE_URL›/v1/health expecting 200');
    expect(journals(h)).toEqual([]);
  });

  it('refuses to wait for approvals without a terminal', async () => {
    const h = home();
    const r = await runCli(['run', 'demo', '--env', 'sandbox'], { ROTOR_HOME: h });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no terminal to ask for approvals');
    expect(r.stderr).toContain('--yes');
  });
});

describe('bad input: one message, exit 2, only the refusal journalled', () => {
  const cases: Array<[string, (dir: string) => string[], RegExp]> = [
    [
      'malformed YAML',
      (d) => [
        'run',
        write(d, 'id: x\ntitle: X\nsteps:\n  - id: a\n    do: [oops\n'),
        '--env',
        'sandbox',
        '--yes',
      ],
      /bad\.yaml:\d+:\d+: malformed YAML/,
    ],
    [
      'unknown action',
      (d) => [
        'run',
        write(d, 'id: x\ntitle: X\nsteps:\n  - id: a\n    do: http.chek\n'),
        '--env',
        'sandbox',
        '--yes',
      ],
      /bad\.yaml:5:9: unknown action "http\.chek"\n {2}→ did you mean "http\.check"/,
    ],
    [
      'unknown reference',
      (d) => [
        'run',
        write(
          d,
          'id: x\ntitle: X\nsteps:\n  - id: a\n    do: http.check\n    with: { url: "{{ inputs.nope }}" }\n',
        ),
        '--yes',
      ],
      /bad\.yaml:6:\d+: unknown input in \{\{ inputs\.nope \}\}/,
    ],
    [
      'missing required input',
      () => ['run', 'demo', '--env', 'local', '--yes'],
      /input service_url defaults to the environment variable ROTOR_SERVICE_URL, which is not set/,
    ],
    [
      'input failing its pattern',
      () => ['run', 'demo', '--env', 'sandbox', '--yes', '--set', 'grace_seconds=soon'],
      /input grace_seconds: "soon" does not match the pattern \[0-9\]\+/,
    ],
    ['unknown flag', () => ['run', 'demo', '--yse'], /unknown option '--yse'/],
    ['unknown runbook', () => ['run', 'dem', '--yes'], /no runbook "dem"\n {2}→ did you mean "demo"/],
    ['unknown environment', () => ['run', 'demo', '--env', 'sandbx', '--yes'], /no environment "sandbx"/],
  ];

  function write(dir: string, text: string): string {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    return file;
  }

  it.each(cases)('%s', async (_name, args, message) => {
    const h = home();
    const r = await runCli(args(h), { ROTOR_HOME: h });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
    const files = journals(h);
    expect(files).toHaveLength(1);
    expect(records(h, files[0]).map((rec) => rec.type)).toEqual(['session-opened', 'session-refused']);
  });
});
