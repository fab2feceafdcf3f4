import protobuf from 'protobufjs';
import { badRequest, unsupportedMediaType } from './status.js';

/**
 * The Kubernetes protobuf wire format for the kinds kubectl sends as protobuf to this emulator
 * (built-in kinds it creates: Secret, Namespace). Written from the field numbers the API defines
 * (k8s.io/api core/v1, k8s.io/apimachinery meta/v1 and runtime), not generated: only the fields
 * these kinds carry on create. Unknown fields are skipped by the decoder, as the API server's is.
 */
const DEFINITIONS = `
syntax = "proto2";
package k8s;
message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown {
  optional TypeMeta typeMeta = 1;
  optional bytes raw = 2;
  optional string contentEncoding = 3;
  optional string contentType = 4;
}
message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message OwnerReference {
  optional string kind = 1;
  optional string name = 3;
  optional string uid = 4;
  optional string apiVersion = 5;
  optional bool controller = 6;
  optional bool blockOwnerDeletion = 7;
}
message ObjectMeta {
  optional string name = 1;
  optional string generateName = 2;
  optional string namespace = 3;
  optional string uid = 5;
  optional string resourceVersion = 6;
  optional int64 generation = 7;
  optional Time creationTimestamp = 8;
  map<string, string> labels = 11;
  map<string, string> annotations = 12;
  repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
}
message Secret {
  optional ObjectMeta metadata = 1;
  map<string, bytes> data = 2;
  optional string type = 3;
  map<string, string> stringData = 4;
  optional bool immutable = 5;
}
message NamespaceSpec { repeated string finalizers = 1; }
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; }
`;

const root = protobuf.parse(DEFINITIONS, { keepCase: true }).root;
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"
const KINDS: Record<string, string> = { 'v1/Secret': 'k8s.Secret', 'v1/Namespace': 'k8s.Namespace' };

/** `application/vnd.kubernetes.protobuf`, the media type kubectl sends built-in kinds in. */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/**
 * Decodes a `k8s\0`-prefixed runtime.Unknown envelope into the JSON object the rest of the
 * emulator handles; a kind this emulator has no message for is 415, as for any media type the
 * server cannot decode for that resource.
 */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC))
    throw badRequest('provided object has no protobuf envelope prefix ("k8s\\x00")');
  let envelope: Record<string, any>;
  try {
    envelope = root
      .lookupType('k8s.Unknown')
      .toObject(root.lookupType('k8s.Unknown').decode(body.subarray(4)), {
        bytes: Buffer,
      });
  } catch (error) {
    throw badRequest(`the protobuf envelope could not be decoded: ${(error as Error).message}`);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const message = KINDS[`${apiVersion}/${kind}`];
  if (!message) throw unsupportedMediaType(['application/json', 'application/merge-patch+json']);
  const type = root.lookupType(message);
  let object: Record<string, any>;
  try {
    object = type.toObject(type.decode(envelope.raw ?? Buffer.alloc(0)), { longs: Number, bytes: String });
  } catch (error) {
    throw badRequest(
      `${kind} in version "${apiVersion}" cannot be decoded from protobuf: ${(error as Error).message}`,
    );
  }
  return { apiVersion, kind, ...normalise(object) };
}

/** Maps Time messages to RFC 3339 and drops empty strings, maps and lists, as the JSON form omits them. */
function normalise(value: any): any {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    if ('seconds' in value && Object.keys(value).every((k) => k === 'seconds' || k === 'nanos'))
      return new Date(Number(value.seconds) * 1000).toISOString().replace('.000Z', 'Z');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      // Go writes every non-pointer string, empty ones too; JSON omits them (omitempty).
      if (v === '') continue;
      out[k] = normalise(v);
    }
    return out;
  }
  return value;
}
