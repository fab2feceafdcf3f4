import { UsageError } from '../errors.js';
import { canonicalSecretPath } from '../policy/secret-path.js';
import { readPrometheus, readStats } from '../services/rotation-reports.js';
import type { StoreHost } from '../services/stores.js';
import type { Io } from './io.js';

/** `rotor stats [path]`: the document's statistics as text, JSON, or Prometheus text. */
export async function statsCommand(
  host: StoreHost,
  secretPath: string | undefined,
  options: { env?: string; json?: boolean; format?: string },
  io: Io,
  now = new Date(),
): Promise<number> {
  if (
    options.format !== undefined &&
    options.format !== 'prometheus' &&
    options.format !== 'text' &&
    options.format !== 'json'
  ) {
    throw new UsageError(
      `--format ${options.format}: expected text, json or prometheus`,
      'prometheus writes the textfile format node exporter reads',
    );
  }
  if (options.format === 'prometheus') {
    if (secretPath !== undefined) {
      canonicalSecretPath(secretPath); // a refused spelling is named first, as for the other formats
      throw new UsageError('--format prometheus covers every secret: leave out the path');
    }
    io.stdout((await readPrometheus(host, options.env, now)).trimEnd());
    return 0;
  }
  const { stats } = await readStats(host, options.env, secretPath);
  if (options.json || options.format === 'json') {
    io.stdout(JSON.stringify(stats, null, 2));
    return 0;
  }
  io.stdout(`total_rotations       ${stats.total_rotations}`);
  io.stdout(`success_count         ${stats.success_count}`);
  io.stdout(`failed_count          ${stats.failed_count} (${stats.rolled_back_count} rolled back)`);
  io.stdout(`success_rate          ${(stats.success_rate * 100).toFixed(1)}%`);
  io.stdout(`avg_duration_seconds  ${stats.avg_duration_seconds.toFixed(2)}`);
  return 0;
}
