import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import type { ScriptPort, ScriptResult, ScriptRun } from '../ports/script-port.js';
import { reveal } from '../engine/secret.js';
import { childEnvironment } from './child-env.js';
import { killTree, leftRunning } from './process-tree.js';
import { scriptAccess } from './script-trust.js';

/**
 * Runs custom rotation scripts with execa: no shell, the secret path as the only argument,
 * secrets through stdin or the child's own environment (never argv), a clean environment so
 * rotor's own variables (VAULT_TOKEN, ROTOR_INPUT_*) do not leak into it. A timeout or an abort
 * kills the script's whole process tree.
 */
export const execaScripts: ScriptPort = {
  access: scriptAccess,

  async run(run: ScriptRun): Promise<ScriptResult> {
    // Inherited by everything the script starts: how a daemon that escaped the kill is found.
    const marker = `ROTOR_SCRIPT_RUN=${randomBytes(8).toString('hex')}`;
    const extra: Record<string, string> = { ROTOR_SCRIPT_RUN: marker.split('=')[1] };
    for (const [name, value] of Object.entries(run.env ?? {})) extra[name] = reveal(value);
    const child = execa(run.path, run.args, {
      env: childEnvironment(extra),
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
      try {
        for await (const chunk of stream) {
          pending += chunk.toString();
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) run.onLine(line, name);
        }
      } catch {
        // destroyed after a kill: what was read is shown below
      }
      if (pending) run.onLine(pending, name);
    };
    let timedOut = false;
    let killed: Set<number> | undefined;
    const kill = () => {
      if (killed || !child.pid) return;
      killed = killTree(child.pid);
      // Something that escaped the kill may still hold the pipes open: stop reading them.
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, run.timeoutMs);
    run.signal.addEventListener('abort', kill, { once: true });
    try {
      await Promise.all([pipe(child.stdout, 'stdout'), pipe(child.stderr, 'stderr')]);
      const result = await child;
      const escaped = killed ? leftRunning(marker, killed) : [];
      return {
        exitCode: result.exitCode ?? -1,
        timedOut,
        ...(escaped.length ? { leftRunning: escaped } : {}),
      };
    } finally {
      clearTimeout(timer);
      run.signal.removeEventListener('abort', kill);
    }
  },
};
