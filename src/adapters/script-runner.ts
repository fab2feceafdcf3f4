import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { execa } from 'execa';
import type { ScriptAccess, ScriptPort, ScriptRun } from '../actions/script-port.js';
import { reveal } from '../engine/secret.js';

/** Variables a rotation script may inherit: enough to find its tools, nothing of rotor's own. */
const INHERITED = [
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
  'VAULT_ADDR',
  'VAULT_NAMESPACE',
  'VAULT_CACERT',
  'KUBECONFIG',
];

/**
 * Runs custom rotation scripts with execa: no shell, the secret path as the only argument,
 * secrets through stdin or the child's own environment (never argv), a clean environment so
 * rotor's own variables (VAULT_TOKEN, ROTOR_INPUT_*) do not leak into it.
 */
export const execaScripts: ScriptPort = {
  async access(path: string): Promise<ScriptAccess> {
    try {
      const info = await stat(path);
      if (!info.isFile()) return 'not-a-file';
    } catch {
      return 'missing';
    }
    try {
      await access(path, constants.X_OK);
      return 'ok';
    } catch {
      return 'not-executable';
    }
  },

  async run(run: ScriptRun) {
    const env: Record<string, string> = {};
    for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name]!;
    for (const [name, value] of Object.entries(run.env ?? {})) env[name] = reveal(value);
    const child = execa(run.path, run.args, {
      env,
      extendEnv: false,
      input: run.stdin === undefined ? '' : reveal(run.stdin),
      // Own process group, so a timeout ends the script's children too (a `sleep` holding stdout).
      detached: true,
      reject: false,
      buffer: false,
      stripFinalNewline: true,
    });
    const pipe = async (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
      if (!stream) return;
      let pending = '';
      for await (const chunk of stream) {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) run.onLine(line, name);
      }
      if (pending) run.onLine(pending, name);
    };
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, run.timeoutMs);
    run.signal.addEventListener('abort', killGroup, { once: true });
    try {
      await Promise.all([pipe(child.stdout, 'stdout'), pipe(child.stderr, 'stderr')]);
      const result = await child;
      return { exitCode: result.exitCode ?? -1, timedOut };
    } finally {
      clearTimeout(timer);
      run.signal.removeEventListener('abort', killGroup);
    }
  },
};
