import { badRequest, noContent, notFound, ok } from './envelope.js';
import { boolField, durationSeconds, goDuration, listField, rfc3339 } from './fields.js';
import { issueCertificate, rsaKeyPair } from './pki-certs.js';
import { route, type Mount, type VaultRequest } from './routes.js';
import { SYSTEM_TTL } from './database-engine.js';

/** A PKI role: which names it may issue for, and for how long. */
export interface PkiRole {
  allowedDomains: string[];
  allowSubdomains: boolean;
  allowBareDomains: boolean;
  allowAnyName: boolean;
  allowLocalhost: boolean;
  ttl: number;
  maxTtl: number;
}

/** The PKI mount's state: its CA, roles and every certificate it issued. */
export interface PkiState {
  ca?: { certPem: string; keyPem: string; serial: string; notAfter: number };
  roles: Record<string, PkiRole>;
  certs: Record<string, { pem: string; revokedAt: number }>;
}

function nameAllowed(role: PkiRole, name: string): boolean {
  if (role.allowAnyName) return true;
  if (role.allowLocalhost && name === 'localhost') return true;
  return role.allowedDomains.some(
    (d) =>
      (role.allowBareDomains && name === d) ||
      (role.allowSubdomains && name.endsWith(`.${d}`) && name.length > d.length + 1),
  );
}

/** The PKI engine at `pki/`: a root CA, roles, issue and revoke, with real X.509 from node-forge. */
export function pkiMount(state: PkiState, now: () => number, changed: () => void): Mount {
  const generateRoot = (req: VaultRequest, p: Record<string, string>) => {
    const cn = req.body.common_name;
    if (typeof cn !== 'string' || cn === '') throw badRequest('the common_name field is required');
    const ttl = durationSeconds(req.body.ttl, 'ttl') ?? SYSTEM_TTL * 10;
    const keys = rsaKeyPair();
    const notAfter = now() + ttl * 1000;
    const { pem, serial } = issueCertificate({
      commonName: cn,
      altNames: [],
      ipSans: [],
      notAfter: new Date(notAfter),
      publicPem: keys.publicPem,
      selfKeyPem: keys.privatePem,
    });
    state.ca = { certPem: pem, keyPem: keys.privatePem, serial, notAfter };
    state.certs[serial] = { pem, revokedAt: 0 };
    changed();
    return ok({
      certificate: pem,
      expiration: Math.floor(notAfter / 1000),
      issuing_ca: pem,
      serial_number: serial,
      ...(p.type === 'exported' ? { private_key: keys.privatePem, private_key_type: 'rsa' } : {}),
    });
  };
  const issue = (req: VaultRequest, p: Record<string, string>) => {
    const role = state.roles[p.role];
    if (!role) throw badRequest(`unknown role: ${p.role}`);
    const cn = req.body.common_name;
    if (typeof cn !== 'string' || cn === '') {
      throw badRequest(
        'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
      );
    }
    const altNames = [...new Set([cn, ...(listField(req.body.alt_names) ?? [])])];
    for (const name of altNames)
      if (!nameAllowed(role, name))
        throw badRequest(
          `${name === cn ? 'common name' : 'subject alternate name'} ${name} not allowed by this role`,
        );
    if (!state.ca) throw badRequest('no default issuer currently configured');
    // builtin/logical/pki/issuing/issue_common.go: the request's ttl, else the role's, else the
    // mount default; above the role's max (else the mount max) it is capped with a warning.
    const maxTtl = role.maxTtl || SYSTEM_TTL;
    const requested = durationSeconds(req.body.ttl, 'ttl') || role.ttl || SYSTEM_TTL;
    const ttl = Math.min(requested, maxTtl);
    const warnings =
      requested > maxTtl
        ? [
            `TTL "${goDuration(requested)}" is longer than permitted maxTTL "${goDuration(maxTtl)}", so maxTTL is being used`,
          ]
        : undefined;
    const notAfter = Math.min(now() + ttl * 1000, state.ca.notAfter);
    const keys = rsaKeyPair();
    const { pem, serial } = issueCertificate({
      commonName: cn,
      altNames,
      ipSans: listField(req.body.ip_sans) ?? [],
      notAfter: new Date(notAfter),
      publicPem: keys.publicPem,
      issuer: { certPem: state.ca.certPem, keyPem: state.ca.keyPem },
    });
    state.certs[serial] = { pem, revokedAt: 0 };
    changed();
    return ok(
      {
        ca_chain: [state.ca.certPem],
        certificate: pem,
        expiration: Math.floor(notAfter / 1000),
        issuing_ca: state.ca.certPem,
        private_key: keys.privatePem,
        private_key_type: 'rsa',
        serial_number: serial,
      },
      warnings ? { warnings } : undefined,
    );
  };
  const revoke = (req: VaultRequest) => {
    const serial =
      typeof req.body.serial_number === 'string'
        ? req.body.serial_number.toLowerCase().replace(/-/g, ':')
        : '';
    const cert = state.certs[serial];
    if (!cert) throw badRequest(`certificate with serial ${serial} not found.`);
    if (state.ca?.serial === serial)
      throw badRequest('adding issuer (id: default) to its own CRL is not allowed');
    if (!cert.revokedAt) cert.revokedAt = now();
    changed();
    return ok({
      revocation_time: Math.floor(cert.revokedAt / 1000),
      revocation_time_rfc3339: rfc3339(cert.revokedAt),
      state: 'revoked',
    });
  };
  const writeRole = (req: VaultRequest, p: Record<string, string>) => {
    const b = req.body;
    state.roles[p.name] = {
      allowedDomains: listField(b.allowed_domains) ?? [],
      allowSubdomains: boolField(b.allow_subdomains, 'allow_subdomains') ?? false,
      allowBareDomains: boolField(b.allow_bare_domains, 'allow_bare_domains') ?? false,
      allowAnyName: boolField(b.allow_any_name, 'allow_any_name') ?? false,
      allowLocalhost: boolField(b.allow_localhost, 'allow_localhost') ?? true,
      ttl: durationSeconds(b.ttl, 'ttl') ?? 0,
      maxTtl: durationSeconds(b.max_ttl, 'max_ttl') ?? 0,
    };
    changed();
    return noContent();
  };
  return {
    path: 'pki/',
    type: 'pki',
    routes: [
      route('root/generate/(?<type>internal|exported)', { update: generateRoot }),
      route('roles/', { list: () => ok({ keys: Object.keys(state.roles).sort() }) }),
      route('roles/(?<name>[^/]+)', {
        read: (_req, p) => {
          const r = state.roles[p.name];
          if (!r) throw notFound();
          return ok({
            allow_any_name: r.allowAnyName,
            allow_bare_domains: r.allowBareDomains,
            allow_localhost: r.allowLocalhost,
            allow_subdomains: r.allowSubdomains,
            allowed_domains: r.allowedDomains,
            max_ttl: r.maxTtl,
            ttl: r.ttl,
            key_type: 'rsa',
            key_bits: 2048,
          });
        },
        update: writeRole,
        delete: (_req, p) => (delete state.roles[p.name], changed(), noContent()),
      }),
      route('issue/(?<role>[^/]+)', { update: issue }),
      route('revoke', { update: revoke }),
      route('certs/', { list: () => ok({ keys: Object.keys(state.certs).sort() }) }),
      route(
        'cert/(?<serial>[^/]+)',
        {
          read: (_req, p) => {
            if (p.serial === 'ca' && state.ca)
              return ok({ certificate: state.ca.certPem, revocation_time: 0 });
            const cert = state.certs[p.serial.toLowerCase().replace(/-/g, ':')];
            if (!cert) throw notFound();
            return ok({
              certificate: cert.pem,
              revocation_time: Math.floor(cert.revokedAt / 1000),
              ...(cert.revokedAt ? { revocation_time_rfc3339: rfc3339(cert.revokedAt) } : {}),
            });
          },
        },
        { unauthenticated: true },
      ),
      route(
        'ca/pem',
        {
          read: () => {
            if (!state.ca) throw notFound();
            return {
              status: 200,
              raw: { contentType: 'application/pem-certificate-chain', text: state.ca.certPem },
            };
          },
        },
        { unauthenticated: true },
      ),
    ],
  };
}
