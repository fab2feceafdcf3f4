import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

/** This process's share of the due policies: index `index` of `count` (an Indexed Job's pod). */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Which share a secret path belongs to: the first 32 bits of its SHA-256, modulo the count. The
 * same in every process and every release, so N pods agree without talking to each other; Vault
 * locks still guard the secrets several policies' runbooks touch.
 */
export function shardOf(path: string, count: number): number {
  return createHash('sha256').update(path, 'utf8').digest().readUInt32BE(0) % count;
}

export function inShard(path: string, shard: Shard | undefined): boolean {
  return !shard || shardOf(path, shard.count) === shard.index;
}

const INTEGER = /^(0|[1-9][0-9]{0,5})$/;

/**
 * The share from `--shard-index`/`--shard-count`, else from an Indexed Job's `JOB_COMPLETION_INDEX`
 * (set by Kubernetes) and `JOB_COMPLETIONS` (set by `rotor cronjob`); none when neither is given.
 */
export function shardFrom(
  flags: { shardIndex?: string; shardCount?: string },
  env: Readonly<Record<string, string | undefined>>,
): Shard | undefined {
  const fromFlags = flags.shardIndex !== undefined || flags.shardCount !== undefined;
  const index = fromFlags ? flags.shardIndex : env.JOB_COMPLETION_INDEX;
  const count = fromFlags ? flags.shardCount : env.JOB_COMPLETIONS;
  const names = fromFlags ? ['--shard-index', '--shard-count'] : ['JOB_COMPLETION_INDEX', 'JOB_COMPLETIONS'];
  if (index === undefined && count === undefined) return undefined;
  const hint = `give both: ${names[0]} <0..N-1> and ${names[1]} <N>`;
  if (index === undefined || !INTEGER.test(index))
    throw new UsageError(
      `${names[0]} ${index === undefined ? 'is missing' : `"${index}" is not a whole number`}`,
      hint,
    );
  if (count === undefined || !INTEGER.test(count) || Number(count) < 1)
    throw new UsageError(
      `${names[1]} ${count === undefined ? 'is missing' : `"${count}" is not a positive whole number`}`,
      hint,
    );
  if (Number(index) >= Number(count))
    throw new UsageError(`${names[0]} ${index} is not below ${names[1]} ${count}`, hint);
  return { index: Number(index), count: Number(count) };
}
