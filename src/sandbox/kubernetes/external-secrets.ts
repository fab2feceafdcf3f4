import { dataHash, parseGoDuration, syncedResourceVersion } from './eso-hash.js';
import { collectData, MSG_GET_DATA, MSG_OWNED, MSG_SYNCED, MSG_UPDATE, SyncError } from './eso-collect.js';
import type { EventRecorder } from './events.js';
import type { Failures } from './failures.js';
import { findKind } from './resources.js';
import { ApiError } from './status.js';
import { rfc3339, type KubeObject, type ObjectStore, type StoreEvent } from './store.js';
import type { Timers } from './timers.js';
import { commitUpdate, createObject } from './write.js';

type Obj = Record<string, any>;

/** How ExternalSecrets read Vault: a KV v2 read of the remoteRef key; null when there is no such secret. */
export type ReadSecret = (path: string) => Promise<{ data: Record<string, string>; version: number } | null>;

export const DATA_HASH = 'reconcile.external-secrets.io/data-hash';
/** The label External Secrets puts on every Secret it manages; it watches Secrets carrying it. */
export const MANAGED = 'reconcile.external-secrets.io/managed';
const CONTROLLER = { namespace: 'external-secrets', name: 'external-secrets' };

/**
 * The External Secrets controller. It refreshes an ExternalSecret when its generation or the hash
 * of its labels and annotations changed (a `force-sync` annotation), when refreshInterval has
 * elapsed (never again after the first sync when it is 0), or when its target Secret is no longer
 * as it wrote it: deleted, its data edited (the data-hash annotation no longer matches) or its
 * `managed` label gone. It watches Secrets carrying that label, so a deleted or edited target
 * comes back at once, not at the next refreshInterval. If the sandbox has an `external-secrets`
 * Deployment, syncing needs one of its pods available, as in a cluster.
 */
export class ExternalSecretsController {
  #running = new Set<string>();
  #again = new Set<string>();
  #unsubscribe?: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly readSecret: ReadSecret,
    private readonly timers: Timers,
    private readonly failures: Failures,
    private readonly retryMs: number,
    private readonly events: EventRecorder,
  ) {}

  start(): void {
    this.#unsubscribe = this.store.subscribe((e) => this.#onEvent(e));
    this.#all();
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  #onEvent(e: StoreEvent): void {
    const { namespace, name } = e.object.metadata;
    if (e.kind === 'ExternalSecret') {
      if (e.type !== 'DELETED') return this.#schedule(namespace!, name, 0);
      this.timers.clear(`es:${namespace}/${name}`);
      const target = this.store.get('Secret', namespace, targetName(e.object));
      if (target?.metadata.ownerReferences?.some((r) => r.uid === e.object.metadata.uid))
        this.store.delete('Secret', namespace, target.metadata.name);
      return;
    }
    if (e.kind === 'Secret' && e.object.metadata.labels?.[MANAGED] === 'true') {
      for (const es of this.store.list('ExternalSecret', namespace))
        if (targetName(es) === name) this.#schedule(namespace!, es.metadata.name, 0);
      return;
    }
    // A controller pod becoming ready is a controller (re)start: it reconciles every ExternalSecret
    // (each refreshes only if due, as the real controller decides). Seen via the Deployment's status.
    if (
      e.kind === 'Deployment' &&
      namespace === CONTROLLER.namespace &&
      name === CONTROLLER.name &&
      ((e.object.status as Obj)?.availableReplicas ?? 0) > 0
    )
      this.#all();
  }

  #all(): void {
    for (const es of this.store.list('ExternalSecret'))
      this.#schedule(es.metadata.namespace!, es.metadata.name, 0);
  }

  #schedule(namespace: string, name: string, ms: number): void {
    this.timers.set(`es:${namespace}/${name}`, ms, () => void this.#reconcile(namespace, name));
  }

  #available(): boolean {
    const deployment = this.store.get('Deployment', CONTROLLER.namespace, CONTROLLER.name);
    return !deployment || ((deployment.status as Obj | undefined)?.availableReplicas ?? 0) > 0;
  }

  async #reconcile(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    this.#running.add(key);
    try {
      await this.#sync(namespace, name);
    } finally {
      this.#running.delete(key);
      if (this.#again.delete(key)) this.#schedule(namespace, name, 0);
    }
  }

  async #sync(namespace: string, name: string): Promise<void> {
    const es = this.store.get('ExternalSecret', namespace, name);
    if (!es || !this.#available() || this.failures.syncBlocked(namespace, name)) return;
    const spec = es.spec as Obj;
    const status = (es.status as Obj | undefined) ?? {};
    const interval = parseGoDuration(String(spec.refreshInterval ?? '1h'));
    if (interval === undefined)
      return this.#fail(es, new SyncError(MSG_GET_DATA, `invalid refreshInterval "${spec.refreshInterval}"`));
    const due = this.#due(es, interval);
    if (due > 0) return this.#schedule(namespace, name, due);
    try {
      const data = await collectData(spec, this.readSecret);
      const current = this.store.get('ExternalSecret', namespace, name);
      if (!current || current.metadata.resourceVersion !== es.metadata.resourceVersion)
        return this.#schedule(namespace, name, 0);
      this.#writeTarget(current, data);
      this.#writeStatus(current, {
        ...status,
        refreshTime: rfc3339(),
        syncedResourceVersion: syncedResourceVersion(current.metadata),
        binding: { name: targetName(current) },
        conditions: [readyCondition(status, 'True', 'SecretSynced', MSG_SYNCED)],
      });
      if (interval > 0) this.#schedule(namespace, name, interval);
    } catch (error) {
      if (error instanceof ApiError) return this.#fail(es, new SyncError(MSG_UPDATE, error.message));
      if (!(error instanceof SyncError)) throw error;
      this.#fail(es, error);
    }
  }

  /** Milliseconds until a refresh is due; 0 when it is due now; Infinity when never. */
  #due(es: KubeObject, interval: number): number {
    const status = (es.status as Obj | undefined) ?? {};
    if (!this.#targetValid(es)) return 0;
    if (interval === 0 && status.syncedResourceVersion) return Infinity;
    if (status.syncedResourceVersion !== syncedResourceVersion(es.metadata)) return 0;
    if (!status.refreshTime) return 0;
    return Math.max(0, Date.parse(status.refreshTime) + interval - Date.now());
  }

  /** isSecretValid: an Orphan target is always valid; otherwise it exists, is labelled and its data is as hashed. */
  #targetValid(es: KubeObject): boolean {
    const spec = es.spec as Obj;
    if (spec.target?.creationPolicy === 'Orphan' || spec.target?.creationPolicy === 'None') return true;
    const secret = this.store.get('Secret', es.metadata.namespace, targetName(es));
    if (!secret) return false;
    if (secret.metadata.labels?.[MANAGED] !== 'true') return false;
    return secret.metadata.annotations?.[DATA_HASH] === dataHash(secret.data as Record<string, string>);
  }

  #writeTarget(es: KubeObject, data: Record<string, string>): void {
    const namespace = es.metadata.namespace!;
    const name = targetName(es);
    const policy = (es.spec as Obj).target?.creationPolicy ?? 'Owner';
    const existing = this.store.get('Secret', namespace, name);
    const type = findKind('Secret');
    if (!existing && policy === 'Merge')
      throw new SyncError(MSG_UPDATE, `secrets "${name}" not found (creationPolicy is Merge)`);
    const foreign = existing?.metadata.ownerReferences?.find(
      (r) => r.controller && r.uid !== es.metadata.uid,
    );
    if (policy === 'Owner' && foreign)
      throw new SyncError(MSG_OWNED, `target is owned by another ${foreign.kind}: ${foreign.name}`);
    const merged =
      policy === 'Merge' ? { ...((existing?.data as Record<string, string>) ?? {}), ...data } : data;
    const meta = {
      ...(existing?.metadata ?? { name, namespace }),
      labels: { ...(existing?.metadata.labels ?? {}), [MANAGED]: 'true' },
      annotations: { ...(existing?.metadata.annotations ?? {}), [DATA_HASH]: dataHash(merged) },
      ...(policy === 'Owner'
        ? {
            ownerReferences: [
              {
                apiVersion: es.apiVersion,
                kind: 'ExternalSecret',
                name: es.metadata.name,
                uid: es.metadata.uid!,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    };
    const candidate: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: existing?.type ?? 'Opaque',
      metadata: meta,
      data: merged,
    };
    if (existing) {
      const written = commitUpdate(this.store, type, existing, candidate, {
        requireVersion: false,
        dryRun: false,
      });
      if (written.metadata.resourceVersion !== existing.metadata.resourceVersion)
        this.events.record(es, 'external-secrets', {
          type: 'Normal',
          reason: 'Updated',
          message: 'secret updated',
        });
    } else {
      createObject(this.store, type, namespace, candidate, false);
      this.events.record(es, 'external-secrets', {
        type: 'Normal',
        reason: 'Created',
        message: 'secret created',
      });
    }
  }

  #writeStatus(es: KubeObject, status: Obj): void {
    commitUpdate(
      this.store,
      findKind('ExternalSecret'),
      es,
      { ...es, status },
      { subresource: 'status', requireVersion: false, dryRun: false },
    );
  }

  #fail(es: KubeObject, error: SyncError): void {
    const status = (es.status as Obj | undefined) ?? {};
    this.events.record(es, 'external-secrets', {
      type: 'Warning',
      reason: 'UpdateFailed',
      message: error.message,
    });
    this.#writeStatus(es, {
      ...status,
      conditions: [readyCondition(status, 'False', 'SecretSyncedError', error.condition)],
    });
    this.#schedule(es.metadata.namespace!, es.metadata.name, this.retryMs);
  }
}

function targetName(es: KubeObject): string {
  return (es.spec as Obj)?.target?.name ?? es.metadata.name;
}

function readyCondition(previous: Obj, status: string, reason: string, message: string): Obj {
  const before = (previous.conditions ?? []).find((c: Obj) => c.type === 'Ready');
  const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : rfc3339();
  return { type: 'Ready', status, reason, message, lastTransitionTime };
}
