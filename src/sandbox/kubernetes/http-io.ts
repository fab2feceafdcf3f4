import type { IncomingMessage, ServerResponse } from 'node:http';
import { isApply, parseApplyBody } from './apply.js';
import { decodeProtobuf, PROTOBUF } from './protobuf.js';
import { badRequest } from './status.js';

const MAX_BODY = 3 * 1024 * 1024;

/**
 * Reads a request body: JSON, or Kubernetes protobuf for the kinds kubectl sends that way;
 * malformed JSON is 400 as the API server's decoder answers.
 */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw badRequest('the request body is too large');
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  if ((req.headers['content-type'] ?? '').split(';')[0].trim() === PROTOBUF && req.method !== 'PATCH')
    return decodeProtobuf(raw);
  const text = raw.toString('utf8');
  if (!text.trim()) throw badRequest('the request body is empty');
  if (isApply(req.headers['content-type'])) return parseApplyBody(text);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${(error as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache, private',
  });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** `strconv.ParseBool`, which the API server uses for `watch=`. */
export function parseBool(value: string | null): boolean {
  return value !== null && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value);
}
