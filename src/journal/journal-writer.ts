import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from '../engine/secret.js';
import { SessionKey } from '../engine/session-key.js';
import type { EngineEvent } from '../engine/types.js';
import type { LockBroken, SessionOpened, SessionRefused, SessionResumed } from './record.js';

/**
 * Records after which rotor is about to change something (a step or an undo starting), and the
 * ones that open or close a session: these are fsynced before the side effect, so the journal
 * on disk always shows a side effect as started before it happens. A `step-started` is made
 * durable by `durable()`, which the engine awaits before the step's action runs: the children of
 * a parallel group that start together (as others finish) share one fsync. The others are
 * fsynced before record() returns. Every other record is written
 * at once (a crash of rotor cannot lose it: the kernel holds it) and reaches the disk with the
 * next synced one. A parallel group of 1,000 secrets would otherwise spend most of its time in
 * fsync, since each call blocks every running step. After a power loss a finished step may look
 * unfinished; resume then checks it against the real system, as for any interrupted step.
 */
const SYNCED = new Set([
  'step-started',
  'step-undoing',
  'rollback-started',
  'session-started',
  'session-ended',
  'session-opened',
  'session-resumed',
  'session-refused',
  'lock-broken',
]);

/**
 * Appends records to one session's JSONL journal. The engine emits synchronously, so a record
 * that precedes a side effect is on disk (fsynced, see SYNCED) before that effect starts.
 * Secrets are stored as `hmac-sha256:<hex>` under the session's key, which is kept apart from
 * the journal, so two records can be compared without the values being recoverable. A journal
 * given no key (a refusal or an unlock, never resumed) hashes under one that dies with the process.
 */
export class JournalWriter {
  readonly path: string;
  private readonly fd: number;
  private readonly key: SessionKey;
  private seq = 0;
  private prev = '';
  private closed = false;
  /** Records written since the last fsync began: `durable()` must sync again. */
  private unsynced = false;
  /** The fsync running now, and the one queued behind it for records written meanwhile. */
  private syncing?: Promise<void>;
  private queued?: Promise<void>;
  private readonly sync: (fd: number, done: (error: Error | null) => void) => void;
  /** fsyncs done, and the seq of the last record the latest one covered (for tests and benches). */
  readonly syncs = { count: 0, through: -1 };

  constructor(
    dir: string,
    readonly sessionId: string,
    options: {
      key?: SessionKey;
      continueFrom?: { seq: number; prev: string };
      /** fsync(2), replaceable by tests that observe when records become durable. */
      fsync?: (fd: number, done: (error: Error | null) => void) => void;
    } = {},
  ) {
    const continueFrom = options.continueFrom;
    this.sync = options.fsync ?? fsync;
    this.key = options.key ?? SessionKey.random();
    this.path = join(dir, `${sessionId}.jsonl`);
    this.fd = openSync(this.path, continueFrom ? 'a' : 'wx', 0o600);
    if (continueFrom) {
      this.seq = continueFrom.seq;
      this.prev = continueFrom.prev;
    }
  }

  /**
   * Continues an interrupted session's journal, extending its hash chain. Given the session's
   * key (read back from its file), secrets recorded from here on hash as they did before.
   */
  static reopen(dir: string, sessionId: string, key?: SessionKey): JournalWriter {
    const path = join(dir, `${sessionId}.jsonl`);
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const last = lines.at(-1) ?? '';
    return new JournalWriter(dir, sessionId, {
      key,
      continueFrom: { seq: lines.length, prev: last ? createHash('sha256').update(last).digest('hex') : '' },
    });
  }

  /** Records an event with its secrets hashed. */
  record(event: EngineEvent | SessionOpened | SessionRefused | LockBroken | SessionResumed): void {
    if (this.closed) return;
    const hashed = this.hashSecrets(event) as Record<string, unknown>;
    const at = typeof hashed.at === 'number' ? hashed.at : Date.now();
    const line = JSON.stringify({ seq: this.seq++, prev: this.prev, ...hashed, at });
    writeSync(this.fd, `${line}\n`);
    this.unsynced = true;
    const type = String(hashed.type);
    if (SYNCED.has(type) && type !== 'step-started') {
      fsyncSync(this.fd);
      this.synced(this.seq - 1);
    }
    this.prev = createHash('sha256').update(line).digest('hex');
  }

  /**
   * Resolves once every record written so far is on disk. One fsync covers all records written
   * before it starts; records written while it runs wait for the next one, which starts as soon
   * as it ends (group commit). Rejects when the disk refuses, so the side effect does not start.
   */
  durable(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.unsynced) return this.syncing ?? Promise.resolve();
    this.queued ??= (this.syncing ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        if (this.closed) return;
        this.unsynced = false;
        const through = this.seq - 1;
        const running = new Promise<void>((resolve, reject) =>
          this.sync(this.fd, (error) => (error ? reject(error) : resolve())),
        ).then(() => this.synced(through));
        this.syncing = running;
        void running
          .finally(() => {
            if (this.syncing === running) this.syncing = undefined;
          })
          .catch(() => undefined);
        return running;
      });
    return this.queued;
  }

  private synced(through: number): void {
    this.syncs.count++;
    this.syncs.through = Math.max(this.syncs.through, through);
    if (through === this.seq - 1) this.unsynced = false;
  }

  /** Hash a secret the way this journal does (for tests and for comparing with a known value). */
  hmac(value: string): string {
    return this.key.hmac(value);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // closing is cleanup: never throw from it
    }
  }

  /** Serialises with secrets hashed: Secret.toJSON would only mask, losing comparability. */
  private hashSecrets(value: unknown): unknown {
    if (value instanceof Secret) return this.hmac(value.reveal());
    if (Array.isArray(value)) return value.map((v) => this.hashSecrets(v));
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.hashSecrets(v)]));
    return value;
  }
}

/** A sortable, readable session id: `20261123-114835-3fa9`. */
export function newSessionId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
