import type { IncomingMessage } from 'node:http';
import { badRequest, conflictBecause } from './status.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './store.js';

/** The DeleteOptions fields the emulator honours, from the body or the query as the API server reads them. */
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
}

/** Reads DeleteOptions: an optional JSON body, then `gracePeriodSeconds`/`propagationPolicy` query parameters. */
export async function readDeleteOptions(
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<DeleteOptions> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  let options: DeleteOptions = {};
  if (text) {
    try {
      options = JSON.parse(text) as DeleteOptions;
    } catch (error) {
      throw badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
    }
    if (!options || typeof options !== 'object' || Array.isArray(options))
      throw badRequest('the body of a delete must be a DeleteOptions object');
  }
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
    options.gracePeriodSeconds = n;
  }
  const policy = query.get('propagationPolicy');
  if (policy !== null) options.propagationPolicy = policy;
  if (
    options.propagationPolicy !== undefined &&
    !['Orphan', 'Background', 'Foreground'].includes(options.propagationPolicy)
  )
    throw badRequest(
      `DeleteOptions.propagationPolicy: Unsupported value: "${options.propagationPolicy}": supported values: "Foreground", "Background", "Orphan", "nil"`,
    );
  return options;
}

/** storage.Preconditions.Check: a mismatch is 409 Conflict with the storage layer's wording. */
export function checkPreconditions(type: ResourceType, object: KubeObject, options: DeleteOptions): void {
  const p = options.preconditions;
  if (!p) return;
  if (p.uid !== undefined && p.uid !== object.metadata.uid)
    throw conflictBecause(
      type,
      object.metadata.name,
      `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${object.metadata.uid}`,
    );
  if (p.resourceVersion !== undefined && p.resourceVersion !== object.metadata.resourceVersion)
    throw conflictBecause(
      type,
      object.metadata.name,
      `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion}`,
    );
}
