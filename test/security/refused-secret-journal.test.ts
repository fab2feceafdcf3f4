// Issue 12, finding 8: a refused secret was journalled in clear. `policy add … --input
// admin_url=postgres://postgres:<password>@…` is refused, but the refusal's journal record held
// the whole command line.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classifiedFlags,
  commandWithoutValues,
  withoutArgvValues,
} from '../../src/commands/journalled-command.js';
import { runCli, tempHome } from '../support/cli.js';

describe('journalled command lines', () => {
  it('keep flag names and the words that name what ran, and leave every value out', () => {
    const cases: Array<[string[], string]> = [
      [
        ['run', 'redis', '--env', 'production', '--set', 'nodes=a:6379', '--yes'],
        'run redis --env production --set nodes=… --yes',
      ],
      [['run', 'redis', '--set=nodes=a:6379', '--json'], 'run redis --set=nodes=… --json'],
      [
        [
          'policy',
          'add',
          'harmonyflow/postgres',
          '--input',
          'admin_url=postgres://postgres:pw@db:5432/postgres',
        ],
        'policy add harmonyflow/postgres --input admin_url=…',
      ],
      [['run', '--yes', 'generic', '--admin-url=postgres://u:pw@h/db'], 'run --yes generic --admin-url=…'],
      // An option rotor does not know may take a value: the next word is left out.
      [['run', 'generic', '--password', 'Hunter2', '--dry-run'], 'run generic --password … --dry-run'],
      [
        ['policy', 'add', 'x/y', '--vault-token', 'hvs.abc', '--cron-schedule', '0 2 1 * *'],
        'policy add x/y --vault-token … --cron-schedule …',
      ],
      // A naming flag keeps its value only while it reads as a name.
      [
        ['run', 'jwt', '--env=postgres://u:pw@h', '--confirm-env', 'prod'],
        'run jwt --env=… --confirm-env prod',
      ],
      [['run', 'admin_url=postgres://u:pw@h'], 'run admin_url=…'],
      [
        ['resume', '20261204-abc', '--yes', '--confirm-env', 'prod'],
        'resume 20261204-abc --yes --confirm-env prod',
      ],
      [['run', '--', '--set', 'a=b'], 'run -- … a=…'],
    ];
    for (const [argv, journalled] of cases)
      expect(commandWithoutValues(argv), argv.join(' ')).toBe(journalled);
  });
});

describe('refusal messages', () => {
  it('never repeat a secret-shaped value, but may quote a bad schedule or input name', () => {
    const argv = [
      'policy',
      'add',
      'x/y',
      '--cron-schedule',
      '0 2 * *',
      '--vault-addr',
      'https://ops:S3cretPw@vault.example',
      '--input',
      'admin_url=postgres://u:Pw4321@h/db',
      '--set',
      'Hunter2Prod',
      '--set',
      'secret_path=harmonyflow/redis',
    ];
    const message =
      'cron_schedule: "0 2 * *" has 4 fields; https://ops:S3cretPw@vault.example; postgres://u:Pw4321@h/db; --set Hunter2Prod; harmonyflow/redis is locked';
    // On screen a bare word after --set reads as an input name; the journal leaves it out too.
    expect(withoutArgvValues(message, argv)).toBe(
      'cron_schedule: "0 2 * *" has 4 fields; …; …; --set Hunter2Prod; harmonyflow/redis is locked',
    );
    expect(withoutArgvValues(message, argv, { journal: true })).toBe(
      'cron_schedule: "0 2 * *" has 4 fields; …; …; --set …; harmonyflow/redis is locked',
    );
  });
});

describe('refused commands with a secret on the command line', () => {
  const { home, cleanup } = tempHome();
  afterAll(cleanup);
  const canary = `Canary${randomBytes(6).toString('hex')}`;
  const url = `postgres://postgres:${canary}@127.0.0.1:5432/postgres`;

  it('journal the refusal without the secret, and never print it', async () => {
    const refused = [
      // Refused because admin_url is a secret input: a policy never keeps one.
      [
        'policy',
        'add',
        'harmonyflow/postgres',
        '--rotation-type',
        'manual',
        '--secret-type',
        'database',
        '--input',
        `admin_url=${url}`,
      ],
      ['run', 'postgres', '--env', 'sandbox', '--yes', '--set', `admin_url=${url}`],
      ['run', 'generic', '--env', 'sandbox', '--yes', `--admin-url=${url}`],
      ['run', 'generic', '--env', 'sandbox', '--yes', '--set', canary],
      ['run', '--due', '--yes', '--env', 'sandbox', '--set', `admin_url=${url}`],
    ];
    let printed = '';
    for (const argv of refused) {
      const result = await runCli(argv, { ROTOR_HOME: home, VAULT_TOKEN: '', VAULT_ADDR: '' });
      expect(result.code, `${argv.join(' ')}\n${result.stdout}${result.stderr}`).toBe(2);
      // A bare word after --set is shown back as the input name it looks like; only the journal drops it.
      if (!argv.includes(canary)) printed += result.stdout + result.stderr;
    }
    expect(printed).not.toContain(canary);
    const dir = join(home, 'sessions');
    const journals = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(journals).toHaveLength(refused.length);
    for (const journal of journals) {
      expect(journal).toContain('session-refused');
      expect(journal).not.toContain(canary);
    }
    // What an incident review needs is still there: which command, which flags, which input.
    expect(journals.join('\n')).toContain(
      'policy add harmonyflow/postgres --rotation-type manual --secret-type database --input admin_url=…',
    );
    expect(journals.join('\n')).toContain('a secret input cannot be kept in a policy');
  });
});

describe('every flag of the command line', () => {
  it('is known to the journal as a switch or as a flag with a value, so none swallows a positional', () => {
    const cli = readFileSync(resolve(import.meta.dirname, '../../src/cli.tsx'), 'utf8');
    const declared = new Set(
      [...cli.matchAll(/\.option\(\s*'(?:-[A-Za-z], )?(--[a-z][a-z-]*)/g)].map((m) => m[1]),
    );
    expect(declared.size).toBeGreaterThan(20);
    const known = classifiedFlags();
    expect([...declared].filter((f) => !known.has(f) && !known.has(f.replace(/^--no-/, '--')))).toEqual([]);
  });
});
