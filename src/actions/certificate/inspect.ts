import { z } from 'zod';
import { Secret, reveal } from '../../engine/secret.js';
import { defineAction, type ActionDefinition } from '../types.js';
import type { X509Port } from '../../ports/x509-port.js';
import { facts, summary } from './common.js';

/** `certificate.inspect`; parsing is pure computation, so the port is given when the registry is built. */
export function certificateInspect(x509: X509Port): ActionDefinition {
  return defineAction({
    id: 'certificate.inspect',
    summary: 'Read the serial, names and dates of the certificate currently deployed (if any)',
    params: z.object({
      /** The data of a KV snapshot (`{{ steps.backup.data }}`); absent fields mean "no certificate yet". */
      data: z.record(z.string(), z.unknown()).default({}),
      field: z.string().min(1).default('tls.crt'),
    }),
    outputs: ['present', 'serial', 'common_name', 'names', 'not_before', 'not_after', 'fingerprint'],
    changes: false,
    class: 'safe',
    describe: (p) => `read the certificate in field ${p.field}, if there is one; changes nothing`,
    async run(p, ctx) {
      const value = p.data[p.field];
      if (value === undefined || value === null || reveal(value as string | Secret) === '') {
        ctx.log(`no certificate in ${p.field} yet: nothing will need revoking`);
        return {
          present: false,
          serial: '',
          common_name: '',
          names: [],
          not_before: '',
          not_after: '',
          fingerprint: '',
        };
      }
      const f = facts(x509, value as string | Secret, `the certificate in ${p.field}`);
      ctx.log(
        `deployed now: serial ${f.serial} for ${f.subjectCommonName}, valid until ${f.notAfter.toISOString()}`,
      );
      return { present: true, ...summary(f) };
    },
  });
}
