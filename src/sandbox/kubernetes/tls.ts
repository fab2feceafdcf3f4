import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** A certificate and key for the emulator's HTTPS listener, the certificate being its own CA. */
export interface ServingCertificate {
  certPem: string;
  keyPem: string;
}

let cached: ServingCertificate | undefined;

/**
 * A self-signed certificate for 127.0.0.1 and localhost. The API server speaks HTTPS only, and
 * kubectl will not send a bearer token over plain HTTP, so the emulator does the same and the
 * kubeconfig carries this certificate as the cluster's CA. One per process: generating is slow.
 */
export function servingCertificate(): ServingCertificate {
  if (cached) return cached;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = [
    { name: 'commonName', value: 'rotor-sandbox-apiserver' },
    { name: 'organizationName', value: 'rotor sandbox' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  cached = { certPem: forge.pki.certificateToPem(cert), keyPem };
  return cached;
}
