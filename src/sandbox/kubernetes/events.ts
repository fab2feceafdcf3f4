import { randomBytes } from 'node:crypto';
import { findKind } from './resources.js';
import { rfc3339, type KubeObject, type ObjectStore } from './store.js';
import { commitUpdate, createObject } from './write.js';

/** Who reports an event: the `source.component` and `reportingComponent` kubectl shows in "From". */
export type EventSource =
  'external-secrets' | 'kubelet' | 'default-scheduler' | 'deployment-controller' | 'replicaset-controller';

/** What a controller reports about an object. */
export interface EventReport {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The container a kubelet event is about (`spec.containers{name}`). */
  fieldPath?: string;
}

/**
 * Writes core/v1 Events as client-go's event recorder does: one Event per object, reason and
 * message, named `<object>.<hex>`; a repeat of the same report bumps `count` and
 * `lastTimestamp` (the recorder's correlator) instead of adding a new Event.
 */
export class EventRecorder {
  constructor(private readonly store: ObjectStore) {}

  record(object: KubeObject, source: EventSource, report: EventReport): void {
    const namespace = object.metadata.namespace ?? 'default';
    if (!this.store.get('Namespace', undefined, namespace)) return;
    const now = rfc3339();
    const same = this.store
      .list('Event', namespace)
      .find(
        (e) =>
          (e.involvedObject as Record<string, unknown>).uid === object.metadata.uid &&
          e.reason === report.reason &&
          e.message === report.message &&
          e.type === report.type,
      );
    const type = findKind('Event');
    if (same) {
      commitUpdate(
        this.store,
        type,
        same,
        { ...same, count: ((same.count as number) ?? 1) + 1, lastTimestamp: now },
        { requireVersion: false, dryRun: false },
      );
      return;
    }
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${object.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: {
        kind: object.kind,
        namespace: object.metadata.namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        apiVersion: object.apiVersion,
        resourceVersion: object.metadata.resourceVersion,
        ...(report.fieldPath ? { fieldPath: report.fieldPath } : {}),
      },
      reason: report.reason,
      message: report.message,
      source: { component: source, ...(source === 'kubelet' ? { host: 'rotor-sandbox-node' } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: report.type,
      eventTime: null,
      reportingComponent: source,
      reportingInstance: source === 'kubelet' ? 'rotor-sandbox-node' : '',
    };
    createObject(this.store, type, namespace, event, false);
  }
}
