// Figure: `rotor --version` wall time against `node -e 0` (goal ≤ 3×).
import { CLI, interleaved, report, timeCommand } from './lib.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const { a: baseline, b: rotor } = await interleaved(
  rounds,
  () => timeCommand(process.execPath, ['-e', '0']),
  () => timeCommand(process.execPath, [CLI, '--version']),
);
report('version', { node_ms: baseline, rotor_ms: rotor, ratio: rotor / baseline, goal: '<=3' });
