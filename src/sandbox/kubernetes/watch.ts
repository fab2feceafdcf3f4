import type { ServerResponse } from 'node:http';
import type { ResourceType } from './resources.js';
import { gone } from './status.js';
import type { KubeObject, ObjectStore, StoreEvent } from './store.js';

/** What a watch request selects. */
export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  resourceVersion?: string;
  matches: (object: KubeObject) => boolean;
  present: (object: KubeObject) => KubeObject;
  timeoutSeconds?: number;
}

/**
 * Streams watch events as newline-delimited JSON, as the API server does over HTTP/1.1.
 * Without a resourceVersion (or "0") it starts with ADDED for every current object; from a
 * resourceVersion it replays later changes, or sends a 410 ERROR event when that is too old.
 */
export function serveWatch(
  res: ServerResponse,
  store: ObjectStore,
  request: WatchRequest,
  openWatches: Set<ServerResponse>,
): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    'transfer-encoding': 'chunked',
    'cache-control': 'no-cache, private',
  });
  res.flushHeaders();
  const send = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  const inScope = (o: KubeObject) =>
    request.namespace === undefined || o.metadata.namespace === request.namespace;
  const passes = (o: KubeObject | undefined) => o !== undefined && inScope(o) && request.matches(o);
  // As the watch cache does: an object entering the selector is ADDED, one leaving it is DELETED
  // (carrying its last matching state at the event's resourceVersion).
  const forward = (e: StoreEvent) => {
    if (e.kind !== request.type.kind) return;
    const now = e.type !== 'DELETED' && passes(e.object);
    const before = e.type === 'DELETED' ? passes(e.object) : passes(e.previous);
    if (e.type === 'ADDED' && now) return send('ADDED', request.present(e.object));
    if (e.type === 'DELETED') return before ? send('DELETED', request.present(e.object)) : undefined;
    if (now && before) return send('MODIFIED', request.present(e.object));
    if (now) return send('ADDED', request.present(e.object));
    if (before) {
      const last = structuredClone(e.previous!);
      last.metadata.resourceVersion = String(e.resourceVersion);
      send('DELETED', request.present(last));
    }
  };

  const rv = request.resourceVersion;
  if (!rv || rv === '0') {
    for (const object of store.list(request.type.kind, request.namespace))
      if (request.matches(object)) send('ADDED', request.present(object));
  } else {
    const since = Number(rv);
    const events = Number.isFinite(since) ? store.eventsSince(since) : undefined;
    if (!events) {
      send('ERROR', gone(rv, String(store.oldestWatchable)).status);
      res.end();
      return;
    }
    for (const e of events) forward(e);
  }
  const unsubscribe = store.subscribe(forward);
  openWatches.add(res);
  const finish = () => {
    unsubscribe();
    openWatches.delete(res);
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = request.timeoutSeconds ? setTimeout(finish, request.timeoutSeconds * 1000) : undefined;
  timer?.unref();
  res.on('close', finish);
}
