import type { ActionContext } from '../types.js';
import { vaultPort } from './common.js';

/** A mount path with each segment URL-encoded. */
export const seg = (s: string) => s.split('/').map(encodeURIComponent).join('/');

/** Revokes a certificate by serial; the revocation time Vault answers. */
export async function revoke(mount: string, serial: string, ctx: ActionContext): Promise<string> {
  const answer = await vaultPort(ctx).write(
    `${seg(mount)}/revoke`,
    { serial_number: serial },
    { signal: ctx.signal },
  );
  return String(answer.revocation_time_rfc3339 ?? answer.revocation_time ?? '');
}
