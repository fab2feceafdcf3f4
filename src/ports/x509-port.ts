/** What a certificate says about itself, read from its PEM. Nothing here is secret. */
export interface CertificateFacts {
  /** Vault's form: colon-separated lower-case hex pairs. */
  serial: string;
  subjectCommonName: string;
  /** DNS names and IP addresses of subjectAltName. */
  names: string[];
  notBefore: Date;
  notAfter: Date;
  issuerCommonName: string;
  /** sha256 of the DER, hex. */
  fingerprint: string;
}

/**
 * X.509 parsing and checks: pure computation, implemented over node-forge in src/adapters/x509.ts.
 * Every method throws a plain Error with a reason an operator can read when the input is not PEM.
 */
export interface X509Port {
  inspect(certificatePem: string): CertificateFacts;
  /** Whether `certificatePem` is signed by `caPem` (one level; the sandbox and Vault PKI issue from the root). */
  signedBy(certificatePem: string, caPem: string): boolean;
  /** Whether the private key (PEM, PKCS#1 or PKCS#8) belongs to the certificate's public key. */
  keyMatches(certificatePem: string, privateKeyPem: string): boolean;
}
