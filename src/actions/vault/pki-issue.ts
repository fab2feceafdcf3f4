import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { RotorError } from '../../errors.js';
import { defineAction } from '../types.js';
import { vaultPort } from './common.js';
import { isVaultError } from '../../ports/vault-port.js';
import { engineNameParam, mountParam } from './params.js';
import { seg, revoke } from './pki-common.js';

const name = z.string().min(1);
/** Lists come from inputs as comma-separated text. */
const list = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((v) =>
    [v]
      .flat()
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** The subject's CN of a PEM certificate (undefined when it has none or is no certificate). */
function commonName(pem: string): string | undefined {
  try {
    const line = new X509Certificate(pem).subject.split('\n').find((l) => l.startsWith('CN='));
    return line?.slice(3);
  } catch {
    return undefined;
  }
}

/** `vault.pki-issue`: Issue a certificate and private key from a Vault PKI role (the key stays masked). */
export const pkiIssue = defineAction({
  id: 'vault.pki-issue',
  summary: 'Issue a certificate and private key from a Vault PKI role (the key stays masked)',
  params: z.object({
    mount: mountParam.default('pki'),
    role: engineNameParam,
    common_name: name,
    alt_names: list,
    /** Requested lifetime ("720h"); the role's max_ttl caps it. */
    ttl: z.string().optional(),
  }),
  outputs: ['certificate', 'private_key', 'issuing_ca', 'serial', 'expiration'],
  changes: true,
  // A certificate nobody deployed is harmless but should not stay valid: undo revokes it.
  class: 'guarded',
  describe: (p) =>
    `issue a certificate for ${[p.common_name, ...p.alt_names].join(', ')} from ${p.mount}/issue/${p.role}${p.ttl ? ` valid ${p.ttl}` : ''}`,
  async run(p, ctx) {
    const body: Record<string, unknown> = {
      common_name: p.common_name,
      ...(p.alt_names.length ? { alt_names: p.alt_names.join(',') } : {}),
      ...(p.ttl ? { ttl: p.ttl } : {}),
    };
    let data: Record<string, unknown>;
    try {
      data = await vaultPort(ctx).write(`${seg(p.mount)}/issue/${seg(p.role)}`, body, { signal: ctx.signal });
    } catch (error) {
      if (!isVaultError(error, 'bad-request')) throw error;
      throw new RotorError(
        `${p.mount}/issue/${p.role} refused to issue for ${[p.common_name, ...p.alt_names].join(', ')} (400)`,
        {
          hint: `the role allows only some names and lifetimes: vault read ${p.mount}/roles/${p.role}`,
        },
      );
    }
    if (typeof data.certificate !== 'string' || typeof data.private_key !== 'string')
      throw new RotorError(`${p.mount}/issue/${p.role} answered without a certificate and key`);
    const serial = String(data.serial_number);
    ctx.log(`issued serial ${serial}, expires ${new Date(Number(data.expiration) * 1000).toISOString()}`);
    return {
      certificate: data.certificate,
      private_key: ctx.secret(data.private_key, `steps.${ctx.stepId}.private_key`),
      issuing_ca: String(data.issuing_ca ?? ''),
      serial,
      expiration: Number(data.expiration),
    };
  },
  async undo(p, outputs, ctx) {
    const at = await revoke(p.mount, String(outputs.serial), ctx);
    ctx.log(`revoked the unused certificate ${String(outputs.serial)} at ${at}`);
  },
  // The serials the mount knows before the request, so a resume can find what this step issued.
  before: async (p, ctx) => ({
    serials: await vaultPort(ctx).list(`${seg(p.mount)}/certs`, { signal: ctx.signal }),
  }),
  /**
   * A certificate issued by a killed run is of no use: its private key died with the run. Any
   * certificate for this request's name issued since the step started is revoked, so the step
   * runs again without leaving a second valid certificate behind.
   */
  async check(p, ctx, before) {
    if (!Array.isArray(before?.serials)) return 'cannot-tell';
    const known = new Set(before.serials.map(String));
    const port = vaultPort(ctx);
    const now = await port.list(`${seg(p.mount)}/certs`, { signal: ctx.signal });
    for (const serial of now.filter((s) => !known.has(s))) {
      const cert = await port.read(`${seg(p.mount)}/cert/${serial.replace(/:/g, '-')}`, {
        signal: ctx.signal,
      });
      if (Number(cert.revocation_time ?? 0) > 0 || typeof cert.certificate !== 'string') continue;
      // Only this request's certificate: other issuers of the mount (cert-manager) keep theirs.
      if (commonName(cert.certificate) !== p.common_name) continue;
      const at = await revoke(p.mount, serial, ctx);
      ctx.log(`revoked certificate ${serial}, issued by the interrupted run (its key was lost), at ${at}`);
    }
    return 'not-done';
  },
});
