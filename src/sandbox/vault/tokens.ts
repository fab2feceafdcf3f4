import { randomBytes } from 'node:crypto';

/** A token as the token store keeps it. Times are epoch milliseconds. */
export interface TokenEntry {
  id: string;
  accessor: string;
  policies: string[];
  displayName: string;
  createdAt: number;
  /** Seconds; 0 = never expires (root). */
  ttl: number;
  /** When the current TTL ends; 0 = never. */
  expiresAt: number;
  explicitMaxTtl: number;
  renewable: boolean;
  orphan: boolean;
  path: string;
  meta: Record<string, string> | null;
  numUses: number;
}

function randomToken(prefix: string): string {
  return `${prefix}.${randomBytes(18).toString('base64url')}`;
}

/** The emulator's token store. Expired tokens are invalid, exactly like unknown ones. */
export class TokenStore {
  readonly tokens = new Map<string, TokenEntry>();

  constructor(private readonly now: () => number = Date.now) {}

  create(input: {
    id?: string;
    policies: string[];
    ttl?: number;
    displayName?: string;
    renewable?: boolean;
    noDefaultPolicy?: boolean;
    path?: string;
    meta?: Record<string, string> | null;
    orphan?: boolean;
    explicitMaxTtl?: number;
  }): TokenEntry {
    const root = input.policies.includes('root');
    const policies = [
      ...new Set(root || input.noDefaultPolicy ? input.policies : ['default', ...input.policies]),
    ].sort();
    const ttl = root && input.ttl === undefined ? 0 : (input.ttl ?? 2764800);
    const now = this.now();
    const entry: TokenEntry = {
      id: input.id ?? randomToken('hvs'),
      accessor: randomBytes(18).toString('base64url'),
      policies,
      displayName: input.displayName ?? 'token',
      createdAt: now,
      ttl,
      expiresAt: ttl > 0 ? now + ttl * 1000 : 0,
      explicitMaxTtl: input.explicitMaxTtl ?? 0,
      renewable: input.renewable ?? ttl > 0,
      orphan: input.orphan ?? false,
      path: input.path ?? 'auth/token/create',
      meta: input.meta ?? null,
      numUses: 0,
    };
    this.tokens.set(entry.id, entry);
    return entry;
  }

  /** The live entry for a token, or undefined when it is unknown or expired. */
  lookup(id: string | undefined): TokenEntry | undefined {
    if (!id) return undefined;
    const entry = this.tokens.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > 0 && entry.expiresAt <= this.now()) {
      this.tokens.delete(id);
      return undefined;
    }
    return entry;
  }

  /** Seconds left; 0 for a token that never expires. */
  remaining(entry: TokenEntry): number {
    return entry.expiresAt === 0 ? 0 : Math.max(0, Math.round((entry.expiresAt - this.now()) / 1000));
  }

  /** Extends the TTL by `increment` seconds from now (capped by explicit max TTL). */
  renew(entry: TokenEntry, increment?: number): void {
    if (entry.expiresAt === 0) return;
    const seconds = increment && increment > 0 ? increment : entry.ttl;
    let expiresAt = this.now() + seconds * 1000;
    if (entry.explicitMaxTtl > 0)
      expiresAt = Math.min(expiresAt, entry.createdAt + entry.explicitMaxTtl * 1000);
    entry.expiresAt = expiresAt;
  }

  revoke(id: string): void {
    this.tokens.delete(id);
  }

  /** The `auth` block of a login or renewal answer. */
  authBlock(entry: TokenEntry, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      client_token: entry.id,
      accessor: entry.accessor,
      policies: entry.policies,
      token_policies: entry.policies,
      metadata: entry.meta,
      lease_duration: this.remaining(entry),
      renewable: entry.renewable,
      entity_id: '',
      token_type: 'service',
      orphan: entry.orphan,
      mfa_requirement: null,
      num_uses: 0,
      ...extra,
    };
  }

  toJSON(): TokenEntry[] {
    return [...this.tokens.values()];
  }

  load(entries: TokenEntry[]): void {
    this.tokens.clear();
    for (const e of entries) this.tokens.set(e.id, e);
  }
}
