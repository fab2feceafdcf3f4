import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** A key pair in PEM, made with Node's fast RSA generator (node-forge's pure-JS one takes seconds). */
export function rsaKeyPair(bits = 2048): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicPem: publicKey, privatePem: privateKey };
}

/** A positive 20-byte serial, as hex. */
function newSerial(): string {
  const bytes = randomBytes(20);
  bytes[0] &= 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return bytes.toString('hex');
}

/** Vault's serial form: colon-separated lower-case hex pairs. */
export const colonSerial = (hex: string): string => hex.match(/../g)!.join(':');

export interface CertificateRequest {
  commonName: string;
  altNames: string[];
  ipSans: string[];
  notAfter: Date;
  publicPem: string;
  /** Absent for a self-signed root. */
  issuer?: { certPem: string; keyPem: string };
  /** The subject's own key, needed to self-sign a root. */
  selfKeyPem?: string;
}

/** Issues an X.509 certificate (a CA when there is no issuer) and returns it as PEM with its serial. */
export function issueCertificate(request: CertificateRequest): { pem: string; serial: string } {
  const cert = forge.pki.createCertificate();
  const serial = newSerial();
  cert.serialNumber = serial;
  cert.publicKey = forge.pki.publicKeyFromPem(request.publicPem);
  cert.validity.notBefore = new Date(Date.now() - 30_000);
  cert.validity.notAfter = request.notAfter;
  const subject = [{ name: 'commonName', value: request.commonName }];
  cert.setSubject(subject);
  const isCa = !request.issuer;
  const issuerCert = request.issuer ? forge.pki.certificateFromPem(request.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const altNames = [
    ...request.altNames.map((value) => ({ type: 2, value })),
    ...request.ipSans.map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: isCa, critical: true },
    isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : {
          name: 'keyUsage',
          digitalSignature: true,
          keyEncipherment: true,
          keyAgreement: true,
          critical: true,
        },
    ...(isCa ? [] : [{ name: 'extKeyUsage', serverAuth: true, clientAuth: true }]),
    { name: 'subjectKeyIdentifier' },
    ...(altNames.length ? [{ name: 'subjectAltName', altNames }] : []),
  ]);
  const signingKey = forge.pki.privateKeyFromPem(request.issuer?.keyPem ?? request.selfKeyPem!);
  cert.sign(signingKey, forge.md.sha256.create());
  return { pem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n').trim(), serial: colonSerial(serial) };
}
