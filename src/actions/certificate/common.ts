import { z } from 'zod';
import { Secret, reveal } from '../../engine/secret.js';
import { RotorError } from '../../errors.js';
import { secretParam } from '../secret-param.js';
import type { CertificateFacts, X509Port } from '../../ports/x509-port.js';

/** A day in milliseconds, for the minimum remaining life. */
export const DAY = 86_400_000;
/** Names as a list or "a,b,c". */
export const list = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((v) =>
    [v]
      .flat()
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  );
/** A PEM given as text, or masked because it came out of a KV snapshot (every value there is). */
export const pem = secretParam;

/** A name a certificate covers: exactly, or through a `*.` wildcard one level deep. */
export function covers(names: string[], wanted: string): boolean {
  const w = wanted.toLowerCase();
  return names.some((n) => {
    const name = n.toLowerCase();
    return (
      name === w ||
      (name.startsWith('*.') && w.endsWith(name.slice(1)) && !w.slice(0, -name.length + 1).includes('.'))
    );
  });
}

/** The certificate's facts, or an error naming which certificate could not be read. */
export function facts(x509: X509Port, certificate: string | Secret, what: string): CertificateFacts {
  try {
    return x509.inspect(reveal(certificate));
  } catch (error) {
    throw new RotorError(`${what} is unreadable: ${(error as Error).message}`, {
      hint: 'check which step or KV field the certificate comes from',
    });
  }
}

/** The outputs both certificate steps publish. */
export const summary = (f: CertificateFacts) => ({
  serial: f.serial,
  common_name: f.subjectCommonName,
  names: f.names,
  not_before: f.notBefore.toISOString(),
  not_after: f.notAfter.toISOString(),
  fingerprint: f.fingerprint,
});
