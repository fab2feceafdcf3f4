import { z } from 'zod';
import { UsageError } from '../errors.js';

const NODE = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/;

/** A node reached through the cluster: `k8s://<namespace>/pod/<name>:<port>` (or `/svc/`). */
const CLUSTER_NODE = /^k8s:\/\/[a-z0-9-]+\/(pod|svc)\/[a-z0-9.-]+:\d{1,5}$/;

/** A node as runbooks write it: `host:port` (IPv6 in brackets), or a cluster address. */
export const redisNodeParam = z
  .string()
  .refine(
    (s) => NODE.test(s) || CLUSTER_NODE.test(s),
    'write a Redis node as host:port or k8s://<namespace>/pod/<name>:<port>',
  );

/** Every node: a list, or text as the `nodes` input of a runbook writes it ("host:port,host:port"). */
export const redisNodesParam = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(redisNodeParam).min(1),
);

/** Host and port of `host:port`. */
export function parseRedisNode(node: string): { host: string; port: number } {
  const match = NODE.exec(node);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535)
    throw new UsageError(
      `"${node}" is not a Redis node address`,
      'write it as host:port, e.g. redis-0.redis:6379',
    );
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}
