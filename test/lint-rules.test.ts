// The layer rules in eslint.config.js are only worth having if they bite: each case below is a
// small source file at a path in the tree with one wrong import (or read), linted with the
// project's own configuration, and must be reported by the rule that guards it. The clean cases
// prove the rules leave the allowed forms alone.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

async function problems(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const IMPORTS = '@typescript-eslint/no-restricted-imports';

const wrong: Array<[string, string, string, RegExp]> = [
  [
    'engine imports an adapter',
    'src/engine/x.ts',
    "import { createVaultPort } from '../adapters/vault.js';\ncreateVaultPort;",
    /through ports/,
  ],
  [
    'engine imports the ui',
    'src/engine/x.ts',
    "import { tone } from '../ui/tone.js';\ntone;",
    /must not render/,
  ],
  ['engine renders with Ink', 'src/engine/x.ts', "import { render } from 'ink';\nrender;", /must not render/],
  [
    'runbook reads files',
    'src/runbook/x.ts',
    "import { readFileSync } from 'node:fs';\nreadFileSync;",
    /pure/,
  ],
  ['runbook opens sockets', 'src/runbook/x.ts', "import { connect } from 'node:net';\nconnect;", /pure/],
  [
    'engine imports the sandbox',
    'src/engine/x.ts',
    "import { x } from '../sandbox/world.js';\nx;",
    /sandbox/,
  ],
  [
    'engine imports commands',
    'src/engine/x.ts',
    "import { x } from '../commands/run.js';\nx;",
    /only src\/cli.tsx/,
  ],
  ['runbook imports a client library', 'src/runbook/x.ts', "import pg from 'pg';\npg;", /only src\/adapters/],
  [
    'an action imports an adapter',
    'src/actions/vault/x.ts',
    "import { x } from '../../adapters/vault.js';\nx;",
    /through ports/,
  ],
  [
    'an action imports a client library',
    'src/actions/redis/x.ts',
    "import Redis from 'ioredis';\nRedis;",
    /only src\/adapters/,
  ],
  [
    'the sandbox imports a client library',
    'src/sandbox/x.ts',
    "import { execa } from 'execa';\nexeca;",
    /only src\/adapters/,
  ],
  ['the session imports conf', 'src/session/x.ts', "import Conf from 'conf';\nConf;", /only src\/adapters/],
  [
    'an adapter imports the ui',
    'src/adapters/x.ts',
    "import { tone } from '../ui/tone.js';\ntone;",
    /must not render/,
  ],
  [
    'an adapter imports an action',
    'src/adapters/x.ts',
    "import { kvRead } from '../actions/vault/kv-read.js';\nkvRead;",
    /src\/ports/,
  ],
  [
    'the sandbox imports an action helper',
    'src/sandbox/x.ts',
    "import { x } from '../actions/rabbitmq/common.js';\nx;",
    /src\/ports/,
  ],
  [
    'a port imports an adapter',
    'src/ports/x.ts',
    "import { x } from '../adapters/http.js';\nx;",
    /through ports/,
  ],
  [
    'the ui imports an adapter',
    'src/ui/x.ts',
    "import { createVaultPort } from '../adapters/vault.js';\ncreateVaultPort;",
    /through ports/,
  ],
  [
    'the ui imports commands',
    'src/ui/x.ts',
    "import { runCommand } from '../commands/run.js';\nrunCommand;",
    /only src\/cli.tsx/,
  ],
  [
    'another api module imports commands',
    'src/api/other.ts',
    "import { x } from '../commands/due-run.js';\nx;",
    /only src\/cli.tsx/,
  ],
  [
    'the CLI imports a command module statically',
    'src/cli.tsx',
    "import { runTui } from './commands/tui.js';\nrunTui;",
    /start path/,
  ],
  ['the CLI imports Ink statically', 'src/cli.tsx', "import { render } from 'ink';\nrender;", /start path/],
  [
    'the context imports the connector statically',
    'src/services/rotor-context.ts',
    "import { connectEnvironment } from '../session/connect.js';\nconnectEnvironment;",
    /start path/,
  ],
  [
    'the context imports an adapter statically',
    'src/services/rotor-context.ts',
    "import { Settings } from '../adapters/settings.js';\nSettings;",
    /start path/,
  ],
];

describe('each layer rule reports a wrong import', () => {
  it.each(wrong)('%s', async (_what, file, code, message) => {
    const found = await problems(file, code);
    expect(found, JSON.stringify(found)).toContainEqual({
      rule: IMPORTS,
      message: expect.stringMatching(message),
    });
  });

  it('process.env outside src/environment.ts', async () => {
    const found = await problems('src/policy/x.ts', 'export const home = process.env.HOME;\n');
    expect(found).toContainEqual({
      rule: 'no-restricted-properties',
      message: expect.stringMatching(/src\/environment.ts/),
    });
  });
});

describe('the allowed forms stay clean', () => {
  const clean: Array<[string, string, string]> = [
    [
      'a type-only import of a command module on the start path',
      'src/cli.tsx',
      "import type { RotorContext } from './commands/context.js';\nexport type C = RotorContext;\n",
    ],
    [
      'a lazy command module on the start path',
      'src/cli.tsx',
      "export const load = async () => (await import('./commands/tui.js')).runTui;\n",
    ],
    [
      'the CLI imports its io module',
      'src/cli.tsx',
      "import { processIo } from './commands/io.js';\nexport const io = processIo;\n",
    ],
    [
      'an adapter imports a client library',
      'src/adapters/x.ts',
      "import pg from 'pg';\nexport const client = pg;\n",
    ],
    [
      'an adapter imports a port',
      'src/adapters/x.ts',
      "import { need } from '../ports/index.js';\nexport const n = need;\n",
    ],
    [
      'the environment module reads process.env',
      'src/environment.ts',
      'export const env = () => process.env;\n',
    ],
    [
      'a test reads process.env and a client library',
      'test/x.test.ts',
      "import pg from 'pg';\nexport const x = [pg, process.env.HOME];\n",
    ],
    [
      'the engine imports an action type',
      'src/engine/x.ts',
      "import type { Outputs } from '../actions/types.js';\nexport type O = Outputs;\n",
    ],
  ];
  it.each(clean)('%s', async (_what, file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
