import { z } from 'zod';
import { Secret, reveal } from '../../engine/secret.js';
import { RotorError } from '../../errors.js';
import { defineAction, type ActionDefinition } from '../types.js';
import type { X509Port } from '../../ports/x509-port.js';
import { DAY, covers, facts, list, pem, summary } from './common.js';

/** `certificate.validate`; parsing is pure computation, so the port is given when the registry is built. */
export function certificateValidate(x509: X509Port): ActionDefinition {
  return defineAction({
    id: 'certificate.validate',
    summary:
      'Check a certificate before deploying it: chain to the CA, validity dates, names, private key match',
    params: z.object({
      certificate: pem.optional(),
      private_key: pem.optional(),
      /** The trust anchor (vault.pki-ca), not the issuing_ca the issuer sent along. */
      ca: pem.optional(),
      /**
       * Instead of the three above: a secret's data (`{{ steps.stage.data }}`) with tls.crt,
       * tls.key and ca.crt, as External Secrets will read it; a staged value survives a crash.
       */
      data: z.record(z.string(), z.unknown()).optional(),
      /** Every name the certificate must cover. */
      names: list,
      /** Used when `names` is empty: the names it was issued for. */
      default_names: list,
      /** It must stay valid at least this long. */
      min_valid_days: z.coerce.number().min(0).default(7),
    }),
    outputs: ['serial', 'common_name', 'names', 'not_before', 'not_after', 'fingerprint'],
    changes: false,
    class: 'safe',
    describe: (p) => {
      const names = p.names.length ? p.names : p.default_names;
      return `check the certificate chains to the CA, is valid now and for ${p.min_valid_days} more days${names.length ? `, covers ${names.join(', ')}` : ''}, and matches its private key; changes nothing`;
    },
    async run(p, ctx) {
      const wanted = p.names.length ? p.names : p.default_names;
      const given = (value: string | Secret | undefined, field: string): string | Secret => {
        const found = value ?? (p.data?.[field] as string | Secret | undefined);
        if (found === undefined)
          throw new RotorError(
            `certificate.validate needs the ${field === 'tls.crt' ? 'certificate' : field === 'tls.key' ? 'private_key' : 'ca'} (or data with ${field})`,
            { hint: 'give certificate, private_key and ca, or data holding tls.crt, tls.key and ca.crt' },
          );
        return found;
      };
      const certificate = given(p.certificate, 'tls.crt');
      const privateKey = given(p.private_key, 'tls.key');
      const ca = given(p.ca, 'ca.crt');
      const f = facts(x509, certificate, 'the certificate');
      const cert = reveal(certificate);
      const problems: string[] = [];
      if (!x509.signedBy(cert, reveal(ca)))
        problems.push(`it is not signed by the CA (issuer "${f.issuerCommonName}")`);
      const now = ctx.ports.clock.now();
      if (f.notBefore.getTime() > now) problems.push(`it is not valid before ${f.notBefore.toISOString()}`);
      if (f.notAfter.getTime() <= now) problems.push(`it expired at ${f.notAfter.toISOString()}`);
      else if (f.notAfter.getTime() < now + p.min_valid_days * DAY)
        problems.push(`it expires at ${f.notAfter.toISOString()}, within ${p.min_valid_days} days`);
      const covered = [...f.names, f.subjectCommonName];
      const missing = wanted.filter((n) => !covers(covered, n));
      if (missing.length)
        problems.push(
          `it does not cover ${missing.join(', ')} (it covers ${[...new Set(covered)].join(', ')})`,
        );
      let matches = false;
      try {
        matches = x509.keyMatches(cert, reveal(privateKey));
      } catch (error) {
        problems.push(`the private key is unreadable: ${(error as Error).message}`);
      }
      if (!matches && !problems.some((m) => m.startsWith('the private key')))
        problems.push('the private key does not belong to it');
      if (problems.length) {
        throw new RotorError(`certificate ${f.serial} failed validation: ${problems.join('; ')}`, {
          hint: 'nothing was deployed; fix the names or the issuer and issue again',
        });
      }
      ctx.log(
        `certificate ${f.serial} for ${covered.join(', ')}: chains to the CA, valid until ${f.notAfter.toISOString()}, key matches`,
      );
      return summary(f);
    },
  });
}
