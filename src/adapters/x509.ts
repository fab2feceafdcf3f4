import { createRequire } from 'node:module';
import type Forge from 'node-forge';
import type { CertificateFacts, X509Port } from '../ports/x509-port.js';

// The action registry is built at every start (even `rotor --version`); node-forge is large, so
// it loads on the first certificate step only.
const require = createRequire(import.meta.url);
let loaded: typeof Forge | undefined;
const forgeLib = (): typeof Forge => (loaded ??= require('node-forge') as typeof Forge);

function parse(pem: string): Forge.pki.Certificate {
  const forge = forgeLib();
  try {
    return forge.pki.certificateFromPem(pem);
  } catch (error) {
    throw new Error(`not a PEM X.509 certificate (${(error as Error).message})`);
  }
}

const commonName = (attributes: Forge.pki.CertificateField[]): string =>
  String(attributes.find((a) => a.name === 'commonName')?.value ?? '');

/** Vault writes serials as colon-separated hex pairs; forge gives the bytes as hex. */
const colonHex = (hex: string): string =>
  (hex.length % 2 ? `0${hex}` : hex).toLowerCase().match(/../g)!.join(':');

type AltName = { type: number; value?: string; ip?: string };

/** The X509Port over node-forge: parsing, signature and key checks, no I/O. */
export const forgeX509: X509Port = {
  inspect(pem): CertificateFacts {
    const forge = forgeLib();
    const cert = parse(pem);
    const san = cert.getExtension('subjectAltName') as { altNames?: AltName[] } | undefined;
    const names = (san?.altNames ?? []).flatMap((n) =>
      n.type === 2 && n.value ? [n.value] : n.type === 7 && n.ip ? [n.ip] : [],
    );
    const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
    return {
      serial: colonHex(cert.serialNumber),
      subjectCommonName: commonName(cert.subject.attributes),
      names,
      notBefore: cert.validity.notBefore,
      notAfter: cert.validity.notAfter,
      issuerCommonName: commonName(cert.issuer.attributes),
      fingerprint: forge.md.sha256.create().update(der).digest().toHex(),
    };
  },

  signedBy(pem, caPem) {
    const ca = parse(caPem);
    const cert = parse(pem);
    try {
      return ca.verify(cert);
    } catch {
      // forge throws when the issuer name does not match: not signed by this CA.
      return false;
    }
  },

  keyMatches(pem, keyPem) {
    const forge = forgeLib();
    const cert = parse(pem);
    let key: Forge.pki.rsa.PrivateKey;
    try {
      key = forge.pki.privateKeyFromPem(keyPem);
    } catch (error) {
      throw new Error(`not a PEM RSA private key (${(error as Error).message})`);
    }
    const pub = cert.publicKey as Forge.pki.rsa.PublicKey;
    return pub.n.equals(key.n) && pub.e.equals(key.e);
  },
};
