import { randomUUID } from 'node:crypto';

/** Any object the emulator stores: apiVersion, kind, metadata and whatever else the kind has. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** The metadata fields the emulator reads or maintains. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
  generateName?: string;
  [field: string]: unknown;
}

/** A change, numbered by the resourceVersion it produced, as watch streams send them. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  object: KubeObject;
  /** MODIFIED: the object before the change (a selector-filtered watch decides ADDED/DELETED on it). */
  previous?: KubeObject;
  resourceVersion: number;
}

const HISTORY = 5000;

/** Seconds-precision RFC 3339, as metav1.Time serialises. */
export function rfc3339(ms = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Every object, one global resourceVersion counter (as etcd's revision), and a bounded history
 * so a watch can resume from a resourceVersion and an older one is answered 410 as the API server
 * does once the watch cache has moved on.
 */
export class ObjectStore {
  #objects = new Map<string, KubeObject>();
  #revision = 1;
  #history: StoreEvent[] = [];
  #listeners = new Set<(event: StoreEvent) => void>();

  static key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  get revision(): number {
    return this.#revision;
  }

  /** The oldest resourceVersion a watch can still start from. */
  get oldestWatchable(): number {
    return this.#history.length ? this.#history[0].resourceVersion - 1 : this.#revision;
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.#objects.get(ObjectStore.key(kind, namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  list(kind: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const object of this.#objects.values()) {
      if (object.kind === kind && (namespace === undefined || object.metadata.namespace === namespace))
        out.push(structuredClone(object));
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  }

  /** Stores a new object, filling uid, creationTimestamp and resourceVersion. */
  create(object: KubeObject, options: { generation: boolean }): KubeObject {
    const stored = structuredClone(object);
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = rfc3339();
    if (options.generation) stored.metadata.generation = 1;
    else delete stored.metadata.generation;
    return this.#write('ADDED', stored);
  }

  /** Replaces a stored object as given (callers have merged and validated), bumping resourceVersion. */
  replace(object: KubeObject): KubeObject {
    return this.#write('MODIFIED', structuredClone(object));
  }

  delete(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = ObjectStore.key(kind, namespace, name);
    const found = this.#objects.get(key);
    if (!found) return undefined;
    this.#objects.delete(key);
    found.metadata.resourceVersion = String(++this.#revision);
    this.#emit({ type: 'DELETED', kind, object: structuredClone(found), resourceVersion: this.#revision });
    return structuredClone(found);
  }

  /** Changes since a resourceVersion, or undefined when the history no longer reaches back that far. */
  eventsSince(revision: number): StoreEvent[] | undefined {
    if (revision < this.oldestWatchable) return undefined;
    return this.#history
      .filter((e) => e.resourceVersion > revision)
      .map((e) => ({
        ...e,
        object: structuredClone(e.object),
        ...(e.previous ? { previous: structuredClone(e.previous) } : {}),
      }));
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #write(type: 'ADDED' | 'MODIFIED', object: KubeObject): KubeObject {
    const key = ObjectStore.key(object.kind, object.metadata.namespace, object.metadata.name);
    const previous = type === 'MODIFIED' ? this.#objects.get(key) : undefined;
    object.metadata.resourceVersion = String(++this.#revision);
    this.#objects.set(key, object);
    this.#emit({
      type,
      kind: object.kind,
      object: structuredClone(object),
      ...(previous ? { previous } : {}),
      resourceVersion: this.#revision,
    });
    return structuredClone(object);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > HISTORY) this.#history.splice(0, this.#history.length - HISTORY);
    for (const listener of [...this.#listeners])
      listener({
        ...event,
        object: structuredClone(event.object),
        ...(event.previous ? { previous: structuredClone(event.previous) } : {}),
      });
  }
}
