import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptRun } from '../src/actions/script/run.js';
import { execaScripts } from '../src/adapters/script-runner.js';
import { Secret } from '../src/engine/secret.js';
import { testContext } from './support/action-context.js';

const dir = mkdtempSync(join(tmpdir(), 'rotor-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CANARY = 'canary-script-Qw7Lp0';

function script(name: string, body: string, mode = 0o755): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
}

const run = (params: Record<string, unknown>, ctx = testContext({ scripts: execaScripts })) =>
  scriptRun.run(scriptRun.params.parse(params), ctx).then((out) => ({ out, ctx }));

describe('script.run against real scripts', () => {
  it('passes the secret path as the argument and new values on stdin, streaming output', async () => {
    const seen = join(dir, 'seen-stdin');
    const argvFile = join(dir, 'seen-argv');
    const path = script(
      'rotate.sh',
      `echo "rotating $1"; echo "$@" > ${argvFile}; cat > ${seen}; echo "warn" >&2`,
    );
    const { out, ctx } = await run({
      path,
      secret_path: 'harmonyflow/postgresql',
      values: { password: new Secret(CANARY) },
    });
    expect(out).toEqual({ exit_code: 0 });
    expect(ctx.record.logs).toContain('rotating harmonyflow/postgresql');
    expect(ctx.record.logs).toContain('! warn');
    expect(readFileSync(argvFile, 'utf8').trim()).toBe('harmonyflow/postgresql');
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({
      secret_path: 'harmonyflow/postgresql',
      values: { password: CANARY },
    });
  });

  it("passes values through the child environment when asked, and not rotor's own variables", async () => {
    const envFile = join(dir, 'seen-env');
    const path = script('env.sh', `env > ${envFile}`);
    process.env.ROTOR_INPUT_SHOULD_NOT_LEAK = 'x';
    await run({ path, secret_path: 'a/b', values: { password: new Secret(CANARY) }, pass: 'env' });
    delete process.env.ROTOR_INPUT_SHOULD_NOT_LEAK;
    const env = readFileSync(envFile, 'utf8');
    expect(env).toContain(`ROTOR_VALUE_PASSWORD=${CANARY}`);
    expect(env).toContain('ROTOR_SECRET_PATH=a/b');
    expect(env).not.toContain('ROTOR_INPUT_SHOULD_NOT_LEAK');
  });

  it('undo runs the script again with the previous value of each key it was given', async () => {
    const seen = join(dir, 'seen-undo');
    const path = script('undo.sh', `cat > ${seen}`);
    const params = scriptRun.params.parse({
      path,
      secret_path: 'a/b',
      values: { password: new Secret('new-one') },
      undo_from: { password: new Secret(CANARY), username: 'app' },
    });
    const ctx = testContext({ scripts: execaScripts });
    await scriptRun.undo!(params, { exit_code: 0 }, ctx);
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({
      secret_path: 'a/b',
      values: { password: CANARY },
    });
    expect(ctx.record.logs).toContain(`running ${path} again with the previous password`);
  });

  it('undo on a first rotation (no previous value) leaves the target alone and says so; without undo_from it refuses', async () => {
    const path = script('never.sh', 'exit 9');
    const ctx = testContext({ scripts: execaScripts });
    await scriptRun.undo!(
      scriptRun.params.parse({
        path,
        secret_path: 'a/b',
        values: { password: new Secret('x') },
        undo_from: { 'api-key': 'k' },
      }),
      { exit_code: 0 },
      ctx,
    );
    expect(ctx.record.logs).toContain(`the secret had no previous password: nothing to hand ${path} back`);
    await expect(
      scriptRun.undo!(
        scriptRun.params.parse({ path, secret_path: 'a/b', values: { password: new Secret('x') } }),
        { exit_code: 0 },
        ctx,
      ),
    ).rejects.toThrow(`the change made by ${path} cannot be undone`);
  });

  it('says "Rotation script not found" for a missing path', async () => {
    await expect(run({ path: join(dir, 'nope.sh'), secret_path: 'a' })).rejects.toThrow(
      `Rotation script not found: ${join(dir, 'nope.sh')}`,
    );
  });

  it('says the script is not executable, with the chmod fix', async () => {
    const path = script('plain.sh', 'echo hi', 0o644);
    await expect(run({ path, secret_path: 'a' })).rejects.toMatchObject({
      message: `Rotation script is not executable: ${path}`,
      hint: `chmod +x ${path}`,
    });
  });

  it('fails with the exit code and the last error line', async () => {
    const path = script('fail.sh', 'echo "database unreachable" >&2; exit 3');
    await expect(run({ path, secret_path: 'a' })).rejects.toThrow(
      /exit code 3: .*fail\.sh \(database unreachable\)/,
    );
  });

  it('times out', async () => {
    const path = script('slow.sh', 'sleep 5');
    const started = Date.now();
    await expect(run({ path, secret_path: 'a', timeout_ms: 300 })).rejects.toThrow(/timed out after 0.3s/);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
