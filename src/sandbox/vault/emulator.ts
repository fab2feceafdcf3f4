import type { AppRole } from './approle.js';
import { handleRequest, type CoreDeps } from './core.js';
import type { DatabaseAdmin } from './database-admin.js';
import { DatabaseEngine } from './database-engine.js';
import type { Reply } from './envelope.js';
import { FaultTable } from './faults.js';
import { KvStore } from './kv-store.js';
import { LeaseStore } from './leases.js';
import { DEFAULT_POLICY_TEXT, parsePolicy, type Policy } from './policies.js';
import type { SavedState } from './persistence.js';
import type { PkiState } from './pki.js';
import { SealState, type SealConfig } from './seal.js';
import { TokenStore } from './tokens.js';
import type { TransitKey } from './transit.js';

/** The emulator's whole in-memory state, shared by the HTTP routes and the in-process helpers. */
export class EmulatorState {
  readonly tokens: TokenStore;
  readonly policies = new Map<string, Policy>();
  readonly kv = new Map<string, KvStore>();
  readonly transit = new Map<string, TransitKey>();
  readonly leases: LeaseStore;
  readonly database: DatabaseEngine;
  readonly pki: PkiState = { roles: {}, certs: {} };
  readonly approle = new Map<string, AppRole>();
  readonly faults = new FaultTable();
  readonly namespacesSeen = new Set<string>();
  readonly seal: SealState;
  rootToken = '';

  constructor(
    sealConfig: SealConfig,
    sealed: boolean,
    admin: DatabaseAdmin | undefined,
    readonly now: () => number,
    /** Called after every change, to persist. */
    readonly changed: () => void,
  ) {
    this.seal = new SealState(sealConfig, sealed);
    this.tokens = new TokenStore(now);
    this.leases = new LeaseStore(now);
    this.database = new DatabaseEngine(this.leases, admin, now);
    this.leases.backend = this.database;
    this.kv.set('secret/', new KvStore(now));
    this.policies.set('default', parsePolicy('default', DEFAULT_POLICY_TEXT));
  }

  toJSON(): SavedState {
    return {
      format: 'rotor-vault-emulator/1',
      seal: this.seal.config,
      rootToken: this.rootToken,
      tokens: this.tokens.toJSON(),
      policies: [...this.policies.values()].map((p) => ({ name: p.name, text: p.text })),
      kv: Object.fromEntries([...this.kv].map(([m, s]) => [m, s.toJSON()])),
      transit: Object.fromEntries(this.transit),
      database: this.database.toJSON(),
      leases: this.leases.toJSON(),
      pki: this.pki,
      approle: Object.fromEntries(this.approle),
    };
  }

  load(saved: SavedState): void {
    this.rootToken = saved.rootToken;
    this.tokens.load(saved.tokens);
    for (const p of saved.policies) this.policies.set(p.name, parsePolicy(p.name, p.text));
    for (const [mount, data] of Object.entries(saved.kv)) {
      const store = this.kv.get(mount) ?? new KvStore(this.now);
      store.load(data);
      this.kv.set(mount, store);
    }
    for (const [k, v] of Object.entries(saved.transit)) this.transit.set(k, v);
    this.database.load(saved.database);
    this.leases.load(saved.leases);
    Object.assign(this.pki, saved.pki);
    for (const [k, v] of Object.entries(saved.approle)) this.approle.set(k, v);
  }
}

/** Sends one request through the same pipeline HTTP requests take, without a socket. */
export function callInProcess(
  deps: CoreDeps,
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<Reply> {
  const headers: Record<string, string> = {
    'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json',
  };
  if (token) headers['x-vault-token'] = token;
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  return handleRequest(deps, { method, url: `/v1/${path.replace(/^\/+/, '')}`, headers, body: payload });
}
