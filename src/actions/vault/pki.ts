import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { reveal } from '../../engine/secret.js';
import { RotorError } from '../../errors.js';
import { secretParam } from '../secret-param.js';
import { defineAction, type ActionContext, type ActionDefinition } from '../types.js';
import { vaultPort } from './common.js';
import { isVaultError } from '../../ports/vault-port.js';
import { engineNameParam, mountParam } from './params.js';

const name = z.string().min(1);
const seg = (s: string) => s.split('/').map(encodeURIComponent).join('/');
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

async function revoke(mount: string, serial: string, ctx: ActionContext): Promise<string> {
  const answer = await vaultPort(ctx).write(
    `${seg(mount)}/revoke`,
    { serial_number: serial },
    { signal: ctx.signal },
  );
  return String(answer.revocation_time_rfc3339 ?? answer.revocation_time ?? '');
}

/** The subject's CN of a PEM certificate (undefined when it has none or is no certificate). */
function commonName(pem: string): string | undefined {
  try {
    const line = new X509Certificate(pem).subject.split('\n').find((l) => l.startsWith('CN='));
    return line?.slice(3);
  } catch {
    return undefined;
  }
}

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

export const pkiCa = defineAction({
  id: 'vault.pki-ca',
  summary: "Read a Vault PKI mount's CA certificate (the trust anchor to validate against)",
  params: z.object({ mount: mountParam.default('pki') }),
  outputs: ['certificate'],
  changes: false,
  class: 'safe',
  describe: (p) => `read the CA certificate of ${p.mount}/; changes nothing`,
  async run(p, ctx) {
    const data = await vaultPort(ctx).read(`${seg(p.mount)}/cert/ca`, { signal: ctx.signal });
    if (typeof data.certificate !== 'string' || !data.certificate)
      throw new RotorError(`${p.mount}/ has no CA certificate`, {
        hint: `configure a root or intermediate: vault write ${p.mount}/root/generate/internal …`,
      });
    return { certificate: data.certificate };
  },
});

export const pkiRevoke = defineAction({
  id: 'vault.pki-revoke',
  summary: 'Revoke a certificate by serial (it goes on the CRL; cannot be undone)',
  params: z.object({ mount: mountParam.default('pki'), serial: secretParam }),
  outputs: ['serial', 'revoked_at'],
  changes: true,
  class: 'point-of-no-return',
  describe: (p) =>
    `revoke certificate ${reveal(p.serial)} at ${p.mount}/: clients checking the CRL refuse it from then on; cannot be undone`,
  async run(p, ctx) {
    // A serial is public (it is printed in the certificate), even when it came out of a KV snapshot.
    const serial = reveal(p.serial).trim();
    const at = await revoke(p.mount, serial, ctx);
    ctx.log(`revoked ${serial} at ${at}`);
    return { serial, revoked_at: at };
  },
});

export const vaultPkiActions: readonly ActionDefinition[] = [pkiIssue, pkiCa, pkiRevoke];
