/**
 * The KV path inside the `secret` mount, however an operator pasted it: `secret/x`, the API's
 * `secret/data/x` and `x/` all name `x`, so policies and history always agree on the key.
 */
export function normalizeSecretPath(path: string): string {
  return path
    .replace(/^\/+/, '')
    .replace(/^secret\/(data\/)?/, '')
    .replace(/^\/+|\/+$/g, '');
}
