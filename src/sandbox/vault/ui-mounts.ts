import { VaultHttpError, ok } from './envelope.js';
import { capabilitiesFor, type Policy } from './policies.js';
import { matchRoute, route, type Mount, type Route, type VaultRequest } from './routes.js';

/**
 * `sys/internal/ui/mounts/<path>`: the mount a path belongs to, which the Vault CLI asks before
 * every `vault kv` command to learn the mount and its KV version (command/kv_helpers.go
 * kvPreflightVersionRequest). Vault exempts the path from ACLs and instead asks whether the
 * token can do anything under the mount (vault/logical_system.go pathInternalUIMountRead,
 * hasMountAccess); an unknown mount gets the same 403 so mounts cannot be probed.
 */
export function uiMountRoutes(mounts: () => readonly Mount[], policies: Map<string, Policy>): Route[] {
  const read = (req: VaultRequest, p: Record<string, string>) => {
    const path = p.path.endsWith('/') ? p.path : `${p.path}/`;
    const denied = new VaultHttpError(403, [
      `preflight capability check returned 403, please ensure client's policies grant access to path "${path}"`,
    ]);
    const { mount } = matchRoute(mounts(), path);
    if (!mount || !hasMountAccess(req, mount.path, policies)) throw denied;
    return ok({
      accessor: `${mount.type}_${accessorSuffix(mount.path)}`,
      config: { default_lease_ttl: 0, force_no_cache: false, max_lease_ttl: 0 },
      description: '',
      external_entropy_access: false,
      local: false,
      options: mount.type === 'kv' ? { version: '2' } : null,
      path: mount.path,
      plugin_version: '',
      running_plugin_version: '',
      running_sha256: '',
      seal_wrap: false,
      type: mount.type,
      uuid: '',
    });
  };
  return [route('internal/ui/mounts/(?<path>.+)', { read }, { aclExempt: true })];
}

function hasMountAccess(req: VaultRequest, mountPath: string, policies: Map<string, Policy>): boolean {
  const token = req.token;
  if (!token) return false;
  if (token.policies.includes('root')) return true;
  const held = token.policies.map((n) => policies.get(n)).filter((p): p is Policy => p !== undefined);
  if (!capabilitiesFor(held, mountPath).includes('deny')) return true;
  return held.some((policy) =>
    policy.rules.some(
      (rule) =>
        rule.path.replace(/\*$/, '').startsWith(mountPath) &&
        rule.capabilities.length > 0 &&
        !rule.capabilities.includes('deny'),
    ),
  );
}

/** A stable, made-up accessor per mount (Vault's are random per mount, fixed once mounted). */
function accessorSuffix(path: string): string {
  let h = 0;
  for (const c of path) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0');
}
