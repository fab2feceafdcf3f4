import type { Server } from 'node:http';
import { approleMount } from './approle.js';
import { kubernetesAuthMount, type KubernetesAuthConfig, type KubernetesRole } from './kubernetes-auth.js';
import type { CoreDeps } from './core.js';
import type { DatabaseAdmin } from './database-admin.js';
import { databaseMount } from './database-routes.js';
import { callInProcess, EmulatorState } from './emulator.js';
import type { Reply } from './envelope.js';
import type { Fault } from './faults.js';
import { kvMount } from './kv-routes.js';
import { leaseRoutes } from './leases.js';
import { loadState, saveState } from './persistence.js';
import { pkiMount } from './pki.js';
import { parsePolicy } from './policies.js';
import { initSeal } from './seal.js';
import { listen, type ListenerCounts } from './server.js';
import { servingCertificate } from '../kubernetes/tls.js';
import { sysRoutes } from './sys-routes.js';
import { tokenMount } from './token-routes.js';
import { transitMount } from './transit.js';
import { uiMountRoutes } from './ui-mounts.js';
import { kvHelpers, type KvHelpers } from './helpers.js';
import { postgresAdmin } from '../../adapters/postgres-admin.js';

export type { DatabaseAdmin, DatabaseConnection } from './database-admin.js';
export type { Fault } from './faults.js';
export type { KvEntry } from './helpers.js';
export type { Reply } from './envelope.js';

/** How to start the emulator. Every field is optional. */
export interface VaultEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** The root token's id; random (`hvs.…`) when absent, or the saved one. */
  rootToken?: string;
  /** Unseal key shares and how many unseal (Vault's defaults: 5 and 3). */
  shares?: number;
  threshold?: number;
  /** JSON file to load state from and save it to (mode 0600). */
  stateFile?: string;
  /** Start sealed, as a restarted Vault does. */
  sealed?: boolean;
  /** Reaches real databases for the database engine; default: PostgreSQL through src/adapters/postgres-admin.ts. */
  databaseAdmin?: DatabaseAdmin;
  /** Fills a fresh emulator (not one loaded from a state file). */
  seed?: (admin: VaultEmulator) => void | Promise<void>;
  /** Clock, for tests of TTLs and leases. */
  now?: () => number;
  /** Serve HTTPS with a certificate that is its own CA (see `caCertPem`), as a production Vault would. */
  tls?: boolean;
}

/** A running emulator: its address, its root token and keys, and helpers for the sandbox and tests. */
export interface VaultEmulator extends KvHelpers {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`), for VAULT_ADDR. */
  readonly url: string;
  /** With `tls`: the PEM of the CA that signed the listener's certificate, for VAULT_CACERT. */
  readonly caCertPem?: string;
  /** Connections, TLS handshakes and requests the listener has accepted so far. */
  readonly counts: Readonly<ListenerCounts>;
  readonly rootToken: string;
  /** The unseal key shares, base64, as `vault operator init` prints them. */
  readonly unsealKeys: string[];
  readonly threshold: number;
  close(): Promise<void>;
  /** Closes every open client connection, as a restarted load balancer would. */
  dropConnections(): void;
  seal(): void;
  /** Unseals with the first `threshold` shares. */
  unseal(): void;
  isSealed(): boolean;
  /** A token with these policies (plus `default`); ttl in seconds. */
  createToken(options: {
    policies: string[];
    ttl?: number;
    renewable?: boolean;
    displayName?: string;
  }): string;
  /** Sets an ACL policy from HCL text, or from `{ "<path>": ["read", …] }`. */
  setPolicy(name: string, rules: string | Record<string, string[]>): void;
  /** Creates an AppRole role and one secret id for it. */
  createAppRole(
    name: string,
    options: { policies: string[]; tokenTtl?: number },
  ): { roleId: string; secretId: string };
  /** Makes matching requests fail with `status` until cleared (or `times` requests). Returns the clear function. */
  injectFault(fault: Fault): () => void;
  clearFaults(): void;
  /** Any API call through the same pipeline as HTTP (root token unless another is given). */
  call(method: string, path: string, body?: unknown, token?: string): Promise<Reply>;
  /** `X-Vault-Namespace` values clients sent. */
  readonly namespacesSeen: ReadonlySet<string>;
}

/** Starts the Vault API emulator on a local port. */
export async function startVaultEmulator(options: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
  const now = options.now ?? Date.now;
  const saved = options.stateFile ? loadState(options.stateFile) : undefined;
  const seal = saved?.seal ?? initSeal(options.shares ?? 5, options.threshold ?? 3);
  let dirty = false;
  let closed = false;
  const persist = () => {
    if (!options.stateFile || closed) return;
    if (dirty) return;
    dirty = true;
    setImmediate(flush);
  };
  const flush = () => {
    if (!dirty || !options.stateFile) return;
    dirty = false;
    saveState(options.stateFile, state.toJSON());
  };
  const state = new EmulatorState(
    seal,
    options.sealed ?? false,
    options.databaseAdmin ?? postgresAdmin,
    now,
    persist,
  );
  if (saved) state.load(saved);
  const rootToken = options.rootToken ?? (state.rootToken || undefined);
  state.rootToken =
    state.tokens.lookup(rootToken)?.id ??
    state.tokens.create({ id: rootToken, policies: ['root'], displayName: 'root', path: 'auth/token/root' })
      .id;

  // Kept in memory only: a restarted sandbox configures it again (rotor sandbox does at start).
  const kubernetesAuth = { roles: new Map<string, KubernetesRole>() } as {
    config?: KubernetesAuthConfig;
    roles: Map<string, KubernetesRole>;
  };
  const deps: CoreDeps = {
    seal: state.seal,
    tokens: state.tokens,
    policies: state.policies,
    faults: state.faults,
    namespacesSeen: state.namespacesSeen,
    mounts: [
      {
        path: 'sys/',
        type: 'system',
        routes: [
          ...sysRoutes({ seal: state.seal, policies: state.policies, now, changed: persist }),
          ...leaseRoutes(state.leases, now, persist),
          ...uiMountRoutes(() => deps.mounts, state.policies),
        ],
      },
      tokenMount(state.tokens, persist),
      approleMount(state.approle, state.tokens, now, persist),
      kubernetesAuthMount(kubernetesAuth, state.tokens, persist),
      kvMount('secret/', state.kv.get('secret/')!, persist),
      transitMount(state.transit, now, persist),
      databaseMount(state.database, now, persist),
      pkiMount(state.pki, now, persist),
    ],
  };
  const certificate = options.tls ? servingCertificate() : undefined;
  const { server, url, counts } = await listen(
    deps,
    options.host ?? '127.0.0.1',
    options.port ?? 0,
    certificate,
  );
  const timer = setInterval(() => {
    if (state.seal.sealed) return;
    void state.leases
      .sweep()
      .then(() => state.database.rotateDue())
      .then(persist);
  }, 5000);
  timer.unref();

  const emulator: VaultEmulator = {
    url,
    caCertPem: certificate?.certPem,
    counts,
    rootToken: state.rootToken,
    unsealKeys: seal.keysB64,
    threshold: seal.threshold,
    namespacesSeen: state.namespacesSeen,
    ...kvHelpers(state),
    close: () =>
      closeServer(server, timer, () => {
        flush();
        closed = true;
      }),
    dropConnections: () => server.closeAllConnections(),
    seal: () => state.seal.seal(),
    unseal: () => seal.keysB64.slice(0, seal.threshold).forEach((k) => state.seal.submit(k)),
    isSealed: () => state.seal.sealed,
    createToken: ({ policies, ttl, renewable, displayName }) => {
      const id = state.tokens.create({
        policies,
        ttl,
        renewable,
        displayName: displayName ? `token-${displayName}` : 'token',
      }).id;
      persist();
      return id;
    },
    setPolicy: (name, rules) => {
      const text =
        typeof rules === 'string'
          ? rules
          : Object.entries(rules)
              .map(([p, caps]) => `path "${p}" {\n  capabilities = ${JSON.stringify(caps)}\n}\n`)
              .join('');
      state.policies.set(name, parsePolicy(name, text));
      persist();
    },
    createAppRole: (name, { policies, tokenTtl }) => {
      const role = {
        roleId: crypto.randomUUID(),
        tokenPolicies: policies,
        tokenTtl: tokenTtl ?? 0,
        tokenMaxTtl: 0,
        secretIdTtl: 0,
        bindSecretId: true,
        secretIds: {} as Record<string, { accessor: string; expiresAt: number }>,
      };
      const secretId = crypto.randomUUID();
      role.secretIds[secretId] = { accessor: crypto.randomUUID(), expiresAt: 0 };
      state.approle.set(name, role);
      persist();
      return { roleId: role.roleId, secretId };
    },
    injectFault: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    call: (method, path, body, token) => callInProcess(deps, method, path, body, token ?? state.rootToken),
  };
  if (!saved && options.seed) await options.seed(emulator);
  persist();
  return emulator;
}

function closeServer(server: Server, timer: NodeJS.Timeout, flush: () => void): Promise<void> {
  clearInterval(timer);
  flush();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
