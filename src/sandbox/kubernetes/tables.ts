import type { KubeObject } from './store.js';

type Obj = Record<string, any>;
type Column = { name: string; type: string; format?: string; description: string; priority: number };

/** duration.HumanDuration, as the API server's printers write AGE and LAST SEEN. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  return `${Math.floor(h / 24)}d`;
}

const age = (ts: unknown) =>
  typeof ts === 'string' ? humanDuration(Date.now() - Date.parse(ts)) : '<unknown>';
const col = (name: string, type = 'string', priority = 0, format?: string): Column => ({
  name,
  type,
  ...(format ? { format } : {}),
  description: '',
  priority,
});

/** printPod's STATUS: the phase, a container's waiting/terminated reason, or Terminating. */
function podStatus(pod: KubeObject): string {
  const status = (pod.status ?? {}) as Obj;
  let reason: string = status.reason ?? status.phase ?? 'Unknown';
  for (const c of [...(status.containerStatuses ?? [])].reverse()) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

const PRINTERS: Record<string, { columns: Column[]; cells: (o: KubeObject) => unknown[] }> = {
  Pod: {
    columns: [col('Name', 'string', 0, 'name'), col('Ready'), col('Status'), col('Restarts'), col('Age')],
    cells: (p) => {
      const statuses: Obj[] = ((p.status as Obj)?.containerStatuses ?? []) as Obj[];
      const total = ((p.spec as Obj)?.containers ?? []).length;
      const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      return [
        p.metadata.name,
        `${statuses.filter((c) => c.ready).length}/${total}`,
        podStatus(p),
        String(restarts),
        age(p.metadata.creationTimestamp),
      ];
    },
  },
  Deployment: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
    ],
    cells: (d) => {
      const s = (d.status ?? {}) as Obj;
      return [
        d.metadata.name,
        `${s.readyReplicas ?? 0}/${(d.spec as Obj).replicas ?? 0}`,
        s.updatedReplicas ?? 0,
        s.availableReplicas ?? 0,
        age(d.metadata.creationTimestamp),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      col('Name', 'string', 0, 'name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
    ],
    cells: (rs) => {
      const s = (rs.status ?? {}) as Obj;
      return [
        rs.metadata.name,
        (rs.spec as Obj).replicas ?? 0,
        s.replicas ?? 0,
        s.readyReplicas ?? 0,
        age(rs.metadata.creationTimestamp),
      ];
    },
  },
  Event: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells: (e) => {
      const o = (e.involvedObject ?? {}) as Obj;
      return [
        age(e.lastTimestamp ?? e.firstTimestamp),
        e.type,
        e.reason,
        `${String(o.kind ?? '').toLowerCase()}/${o.name}`,
        e.message,
      ];
    },
  },
};

/** Whether the request asks for a meta.k8s.io Table (kubectl get's human output). */
export function wantsTable(accept: string | undefined, kind: string): boolean {
  return (
    PRINTERS[kind] !== undefined && /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '')
  );
}

/** A Table of the objects with the API server's columns for the kind; rows carry the object's metadata. */
export function toTable(
  kind: string,
  objects: KubeObject[],
  includeObject: string | null,
  listMeta: Obj = {},
): Record<string, unknown> {
  const printer = PRINTERS[kind];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: printer.columns,
    rows: objects.map((o) => ({
      cells: printer.cells(o),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? undefined
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
