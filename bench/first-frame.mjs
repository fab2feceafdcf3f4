// Figure: time from start to the first TUI frame (the runbook picker) against `node -e 0` (goal ≤ 5×).
// The TUI runs in a real pseudo-terminal (util-linux `script`), as an operator would see it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, interleaved, report, timeCommand } from './lib.mjs';

function firstFrame(home) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('script', ['-qfec', `node ${CLI} --env sandbox`, '/dev/null'], {
      env: { ...process.env, ROTOR_HOME: home, NO_COLOR: '1', COLUMNS: '80', LINES: '24' },
      stdio: ['pipe', 'pipe', 'ignore'],
      detached: true,
    });
    let out = '';
    const timer = setTimeout(() => finish(new Error('no frame within 20 s')), 20_000);
    function finish(error, ms) {
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (error) reject(error);
      else resolve(ms);
    }
    child.stdout.on('data', (d) => {
      out += d.toString();
      if (out.includes('Choose a runbook'))
        finish(undefined, Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

const home = mkdtempSync(join(tmpdir(), 'rotor-bench-'));
try {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
  const { a: baseline, b: frame } = await interleaved(
    rounds,
    () => timeCommand(process.execPath, ['-e', '0']),
    () => firstFrame(home),
  );
  report('first-frame', { node_ms: baseline, first_frame_ms: frame, ratio: frame / baseline, goal: '<=5' });
} finally {
  rmSync(home, { recursive: true, force: true });
}
