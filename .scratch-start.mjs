// src/sandbox/kubernetes/index.ts
import { randomBytes as randomBytes2 } from "node:crypto";

// src/sandbox/kubernetes/access.ts
import { timingSafeEqual } from "node:crypto";
var SANDBOX_USER = "system:serviceaccount:default:rotor-sandbox";
var Access = class {
  #token;
  #denied = [];
  constructor(token) {
    this.#token = Buffer.from(token);
  }
  authenticated(req) {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) return false;
    const given = Buffer.from(match[1].trim());
    return given.length === this.#token.length && timingSafeEqual(given, this.#token);
  }
  /** Forbids matching operations until the returned function is called. */
  deny(rule) {
    this.#denied.push(rule);
    return () => {
      this.#denied = this.#denied.filter((r) => r !== rule);
    };
  }
  allowed(verb, resource, namespace, name) {
    return !this.#denied.some(
      (r) => (r.verb === void 0 || r.verb === verb) && r.resource === resource && (r.namespace === void 0 || r.namespace === namespace) && (r.name === void 0 || r.name === name)
    );
  }
};

// src/sandbox/kubernetes/eso-hash.ts
import { createHash } from "node:crypto";
function md5(text) {
  return createHash("md5").update(text).digest("hex");
}
function goMap(map, render) {
  const keys = Object.keys(map ?? {}).sort();
  return `map[${keys.map((k2) => `${k2}:${render(map[k2])}`).join(" ")}]`;
}
function dataHash(data) {
  return md5(goMap(data, (b64) => `[${[...Buffer.from(b64, "base64")].join(" ")}]`));
}
function syncedResourceVersion(meta) {
  const text = `{annotations:${goMap(meta.annotations, (v) => v)} labels:${goMap(meta.labels, (v) => v)}}`;
  return `${meta.generation ?? 0}-${md5(text)}`;
}
function parseGoDuration(text) {
  if (text === "0") return 0;
  const units = {
    ns: 1e-6,
    us: 1e-3,
    \u00B5s: 1e-3,
    ms: 1,
    s: 1e3,
    m: 6e4,
    h: 36e5
  };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === text.length && text.length > 0 ? total : void 0;
}

// src/sandbox/kubernetes/resources.ts
var rw = ["create", "delete", "get", "list", "patch", "update", "watch"];
var resourceTypes = [
  {
    group: "",
    version: "v1",
    kind: "Namespace",
    listKind: "NamespaceList",
    resource: "namespaces",
    singular: "namespace",
    namespaced: false,
    verbs: ["create", "get", "list", "watch"],
    shortNames: ["ns"],
    subresources: [],
    strategicMerge: true,
    generation: false
  },
  {
    group: "",
    version: "v1",
    kind: "Pod",
    listKind: "PodList",
    resource: "pods",
    singular: "pod",
    namespaced: true,
    verbs: ["delete", "get", "list", "patch", "update", "watch"],
    shortNames: ["po"],
    categories: ["all"],
    subresources: ["log", "status"],
    strategicMerge: true,
    generation: false
  },
  {
    group: "",
    version: "v1",
    kind: "Secret",
    listKind: "SecretList",
    resource: "secrets",
    singular: "secret",
    namespaced: true,
    verbs: rw,
    subresources: [],
    strategicMerge: true,
    generation: false
  },
  {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    listKind: "DeploymentList",
    resource: "deployments",
    singular: "deployment",
    namespaced: true,
    verbs: rw,
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: ["status"],
    strategicMerge: true,
    generation: true
  },
  {
    group: "apps",
    version: "v1",
    kind: "StatefulSet",
    listKind: "StatefulSetList",
    resource: "statefulsets",
    singular: "statefulset",
    namespaced: true,
    verbs: rw,
    shortNames: ["sts"],
    categories: ["all"],
    subresources: ["status"],
    strategicMerge: true,
    generation: true
  },
  {
    group: "batch",
    version: "v1",
    kind: "CronJob",
    listKind: "CronJobList",
    resource: "cronjobs",
    singular: "cronjob",
    namespaced: true,
    verbs: rw,
    shortNames: ["cj"],
    categories: ["all"],
    subresources: ["status"],
    strategicMerge: true,
    generation: true
  },
  {
    group: "external-secrets.io",
    version: "v1",
    alsoVersions: ["v1beta1"],
    kind: "ExternalSecret",
    listKind: "ExternalSecretList",
    resource: "externalsecrets",
    singular: "externalsecret",
    namespaced: true,
    verbs: rw,
    shortNames: ["es"],
    categories: ["external-secrets"],
    subresources: ["status"],
    strategicMerge: false,
    generation: true
  },
  {
    group: "external-secrets.io",
    version: "v1",
    alsoVersions: ["v1beta1"],
    kind: "ClusterSecretStore",
    listKind: "ClusterSecretStoreList",
    resource: "clustersecretstores",
    singular: "clustersecretstore",
    namespaced: false,
    verbs: rw,
    shortNames: ["css"],
    categories: ["external-secrets"],
    subresources: ["status"],
    strategicMerge: false,
    generation: true
  }
];
function groupVersions() {
  const out = /* @__PURE__ */ new Map();
  for (const type of resourceTypes) {
    for (const version of [type.version, ...type.alsoVersions ?? []]) {
      const key = type.group ? `${type.group}/${version}` : version;
      out.set(key, [...out.get(key) ?? [], type]);
    }
  }
  return out;
}
function findResource(group, version, resource) {
  return resourceTypes.find(
    (t) => t.group === group && t.resource === resource && (t.version === version || t.alsoVersions?.includes(version))
  );
}
function findKind(kind) {
  const type = resourceTypes.find((t) => t.kind === kind);
  if (!type) throw new Error(`the emulator does not serve kind ${kind}`);
  return type;
}
function qualifiedResource(type) {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

// src/sandbox/kubernetes/status.ts
var ApiError = class extends Error {
  constructor(status2) {
    super(status2.message);
    this.status = status2;
  }
};
function status(code, reason, message, details2) {
  return new ApiError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...details2 ? { details: details2 } : {},
    code
  });
}
function details(type, name) {
  return {
    ...name !== void 0 ? { name } : {},
    ...type.group ? { group: type.group } : {},
    kind: type.resource
  };
}
var notFound = (type, name) => status(404, "NotFound", `${qualifiedResource(type)} "${name}" not found`, details(type, name));
var alreadyExists = (type, name) => status(409, "AlreadyExists", `${qualifiedResource(type)} "${name}" already exists`, details(type, name));
var conflict = (type, name) => status(
  409,
  "Conflict",
  `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
  details(type, name)
);
var badRequest = (message) => status(400, "BadRequest", message);
var unauthorized = () => status(401, "Unauthorized", "Unauthorized");
function forbidden(type, verb, user, namespace, name, rbacResource) {
  const subject = name ? `${qualifiedResource(type)} "${name}"` : qualifiedResource(type);
  const scope = namespace ? `in the namespace "${namespace}"` : "at the cluster scope";
  return status(
    403,
    "Forbidden",
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${rbacResource}" in API group "${type.group}" ${scope}`,
    details(type, name)
  );
}
var methodNotAllowed = () => status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
function unsupportedMediaType(accepted) {
  return status(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`
  );
}
var gone = (requested, oldest) => status(410, "Expired", `too old resource version: ${requested} (${oldest})`);
var noSuchResource = () => status(404, "NotFound", "the server could not find the requested resource");
function invalid(type, name, causes) {
  const lines = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = lines.length === 1 ? lines[0] : `[${lines.join(", ")}]`;
  const group = type.group ? `.${type.group}` : "";
  return status(422, "Invalid", `${type.kind}${group} "${name}" is invalid: ${joined}`, {
    name,
    ...type.group ? { group: type.group } : {},
    kind: type.kind,
    causes
  });
}
var fieldInvalid = (field, value, detail) => ({
  reason: "FieldValueInvalid",
  field,
  message: `Invalid value: ${typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value)}: ${detail}`
});
var fieldRequired = (field, detail = "") => ({
  reason: "FieldValueRequired",
  field,
  message: `Required value${detail ? `: ${detail}` : ""}`
});
var fieldNotSupported = (field, value, allowed) => ({
  reason: "FieldValueNotSupported",
  field,
  message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`
});
var fieldForbidden = (field, detail) => ({
  reason: "FieldValueForbidden",
  field,
  message: `Forbidden: ${detail}`
});
var namespaceNotFound = (namespace) => status(404, "NotFound", `namespaces "${namespace}" not found`, { name: namespace, kind: "namespaces" });

// src/sandbox/kubernetes/store.ts
import { randomUUID } from "node:crypto";
var HISTORY = 5e3;
function rfc3339(ms = Date.now()) {
  return new Date(Math.floor(ms / 1e3) * 1e3).toISOString().replace(".000Z", "Z");
}
var ObjectStore = class _ObjectStore {
  #objects = /* @__PURE__ */ new Map();
  #revision = 1;
  #history = [];
  #listeners = /* @__PURE__ */ new Set();
  static key(kind, namespace, name) {
    return `${kind}/${namespace ?? ""}/${name}`;
  }
  get revision() {
    return this.#revision;
  }
  /** The oldest resourceVersion a watch can still start from. */
  get oldestWatchable() {
    return this.#history.length ? this.#history[0].resourceVersion - 1 : this.#revision;
  }
  get(kind, namespace, name) {
    const found = this.#objects.get(_ObjectStore.key(kind, namespace, name));
    return found ? structuredClone(found) : void 0;
  }
  list(kind, namespace) {
    const out = [];
    for (const object of this.#objects.values()) {
      if (object.kind === kind && (namespace === void 0 || object.metadata.namespace === namespace))
        out.push(structuredClone(object));
    }
    return out.sort(
      (a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`
      )
    );
  }
  /** Stores a new object, filling uid, creationTimestamp and resourceVersion. */
  create(object, options) {
    const stored = structuredClone(object);
    stored.metadata.uid = randomUUID();
    stored.metadata.creationTimestamp = rfc3339();
    if (options.generation) stored.metadata.generation = 1;
    else delete stored.metadata.generation;
    return this.#write("ADDED", stored);
  }
  /** Replaces a stored object as given (callers have merged and validated), bumping resourceVersion. */
  replace(object) {
    return this.#write("MODIFIED", structuredClone(object));
  }
  delete(kind, namespace, name) {
    const key = _ObjectStore.key(kind, namespace, name);
    const found = this.#objects.get(key);
    if (!found) return void 0;
    this.#objects.delete(key);
    found.metadata.resourceVersion = String(++this.#revision);
    this.#emit({ type: "DELETED", kind, object: structuredClone(found), resourceVersion: this.#revision });
    return structuredClone(found);
  }
  /** Changes since a resourceVersion, or undefined when the history no longer reaches back that far. */
  eventsSince(revision) {
    if (revision < this.oldestWatchable) return void 0;
    return this.#history.filter((e) => e.resourceVersion > revision).map((e) => ({ ...e, object: structuredClone(e.object) }));
  }
  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  #write(type, object) {
    object.metadata.resourceVersion = String(++this.#revision);
    this.#objects.set(_ObjectStore.key(object.kind, object.metadata.namespace, object.metadata.name), object);
    this.#emit({ type, kind: object.kind, object: structuredClone(object), resourceVersion: this.#revision });
    return structuredClone(object);
  }
  #emit(event) {
    this.#history.push(event);
    if (this.#history.length > HISTORY) this.#history.splice(0, this.#history.length - HISTORY);
    for (const listener of [...this.#listeners])
      listener({ ...event, object: structuredClone(event.object) });
  }
};

// src/sandbox/kubernetes/write.ts
import { randomBytes } from "node:crypto";

// src/sandbox/kubernetes/meta.ts
var SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
var LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
var NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
var LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
var SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
var LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
var LABEL_NAMED = /* @__PURE__ */ new Set(["Namespace", "StatefulSet"]);
function validateName(type, name, field = "metadata.name") {
  if (typeof name !== "string" || name === "")
    return [fieldRequired(field, "name or generateName is required")];
  if (LABEL_NAMED.has(type.kind)) {
    if (name.length > 63) return [fieldInvalid(field, name, "must be no more than 63 characters")];
    if (!LABEL.test(name)) return [fieldInvalid(field, name, LABEL_MSG)];
    return [];
  }
  if (name.length > 253) return [fieldInvalid(field, name, "must be no more than 253 characters")];
  if (!SUBDOMAIN.test(name)) return [fieldInvalid(field, name, SUBDOMAIN_MSG)];
  return [];
}
function qualifiedNameErrors(key) {
  const parts = key.split("/");
  if (parts.length > 2)
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  const [prefix, name] = parts.length === 2 ? parts : [void 0, parts[0]];
  if (prefix !== void 0 && (prefix.length === 0 || prefix.length > 253 || !SUBDOMAIN.test(prefix)))
    return `prefix part ${SUBDOMAIN_MSG}`;
  if (!name || name.length > 63) return "name part must be no more than 63 characters";
  if (!NAME_PART.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  return void 0;
}
var MAX_ANNOTATIONS_BYTES = 256 * 1024;
function validateLabels(labels, field) {
  if (labels === void 0) return [];
  if (!isStringMap(labels)) return [fieldInvalid(field, labels, "must be a map of strings")];
  const causes = [];
  for (const [key, value] of Object.entries(labels)) {
    const keyError = qualifiedNameErrors(key);
    if (keyError) causes.push(fieldInvalid(field, key, keyError));
    if (value.length > 63) causes.push(fieldInvalid(field, value, "must be no more than 63 characters"));
    else if (!LABEL_VALUE.test(value))
      causes.push(
        fieldInvalid(
          field,
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        )
      );
  }
  return causes;
}
function validateAnnotations(annotations, field) {
  if (annotations === void 0) return [];
  if (!isStringMap(annotations)) return [fieldInvalid(field, annotations, "must be a map of strings")];
  const causes = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const keyError = qualifiedNameErrors(key.toLowerCase());
    if (keyError) causes.push(fieldInvalid(field, key, keyError));
    size += key.length + value.length;
  }
  if (size > MAX_ANNOTATIONS_BYTES)
    causes.push({
      reason: "FieldValueTooLong",
      field,
      message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`
    });
  return causes;
}
function isStringMap(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}
function validateMeta(type, object) {
  return [
    ...validateName(type, object.metadata.name),
    ...validateLabels(object.metadata.labels, "metadata.labels"),
    ...validateAnnotations(object.metadata.annotations, "metadata.annotations")
  ];
}

// src/sandbox/kubernetes/validate.ts
var CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
var BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function applyDefaults(object) {
  const spec = object.spec ??= {};
  switch (object.kind) {
    case "Deployment":
      spec.replicas ??= 1;
      spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } };
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      break;
    case "StatefulSet":
      spec.replicas ??= 1;
      spec.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
      spec.podManagementPolicy ??= "OrderedReady";
      spec.revisionHistoryLimit ??= 10;
      break;
    case "CronJob":
      spec.concurrencyPolicy ??= "Allow";
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      break;
    case "ExternalSecret":
      spec.refreshInterval ??= "1h";
      spec.target ??= {};
      spec.target.creationPolicy ??= "Owner";
      spec.target.deletionPolicy ??= "Retain";
      break;
    case "Secret":
      delete object.spec;
      object.type ??= "Opaque";
      break;
    default:
      if (Object.keys(spec).length === 0) delete object.spec;
  }
}
function normaliseSecret(object) {
  if (object.kind !== "Secret") return;
  const data = object.data ?? {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== "string" || !BASE64.test(value)) {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (key "${key}")`
      );
    }
  }
  const stringData = object.stringData;
  if (stringData) {
    for (const [key, value] of Object.entries(stringData)) {
      if (typeof value !== "string")
        throw badRequest(
          `Secret in version "v1" cannot be handled as a Secret: stringData.${key} must be a string`
        );
      data[key] = Buffer.from(value, "utf8").toString("base64");
    }
    delete object.stringData;
  }
  if (Object.keys(data).length) object.data = data;
  else delete object.data;
}
function containers(podSpec, field) {
  const list2 = podSpec?.containers;
  if (!Array.isArray(list2) || list2.length === 0) return [fieldRequired(`${field}.containers`)];
  const causes = [];
  list2.forEach((c, i) => {
    if (!c?.name) causes.push(fieldRequired(`${field}.containers[${i}].name`));
    if (!c?.image) causes.push(fieldRequired(`${field}.containers[${i}].image`));
  });
  return causes;
}
function workload(spec, old) {
  const causes = [];
  if (typeof spec.replicas !== "number" || spec.replicas < 0 || !Number.isInteger(spec.replicas))
    causes.push(fieldInvalid("spec.replicas", spec.replicas, "must be greater than or equal to 0"));
  const selector = spec.selector?.matchLabels;
  if (!selector || Object.keys(selector).length === 0)
    causes.push(
      fieldInvalid("spec.selector", spec.selector ?? {}, "empty selector is invalid for deployment")
    );
  const labels = spec.template?.metadata?.labels ?? {};
  causes.push(...validateLabels(labels, "spec.template.metadata.labels"));
  if (selector && !Object.entries(selector).every(([k2, v]) => labels[k2] === v)) {
    causes.push(
      fieldInvalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`")
    );
  }
  causes.push(...containers(spec.template?.spec, "spec.template.spec"));
  if (old && JSON.stringify(old.selector) !== JSON.stringify(spec.selector))
    causes.push(fieldInvalid("spec.selector", spec.selector, "field is immutable"));
  return causes;
}
var STS_MUTABLE = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds"
];
function kindRules(object, old) {
  const spec = object.spec ?? {};
  const oldSpec = old?.spec;
  switch (object.kind) {
    case "Deployment": {
      const causes = workload(spec, oldSpec);
      if (!["RollingUpdate", "Recreate"].includes(spec.strategy?.type))
        causes.push(
          fieldNotSupported("spec.strategy.type", spec.strategy?.type, ["Recreate", "RollingUpdate"])
        );
      return causes;
    }
    case "StatefulSet": {
      const causes = workload(spec, oldSpec);
      if (!["RollingUpdate", "OnDelete"].includes(spec.updateStrategy?.type))
        causes.push(
          fieldNotSupported("spec.updateStrategy.type", spec.updateStrategy?.type, [
            "OnDelete",
            "RollingUpdate"
          ])
        );
      if (oldSpec) {
        const frozen = (s) => JSON.stringify(Object.fromEntries(Object.entries(s).filter(([k2]) => !STS_MUTABLE.includes(k2))));
        if (frozen(spec) !== frozen(oldSpec))
          causes.push(
            fieldForbidden(
              "spec",
              `updates to statefulset spec for fields other than ${STS_MUTABLE.slice(0, -1).map((f) => `'${f}'`).join(", ")} and 'minReadySeconds' are forbidden`
            )
          );
      }
      return causes;
    }
    case "Secret": {
      const causes = [];
      for (const key of Object.keys(object.data ?? {})) {
        if (!CONFIG_KEY.test(key))
          causes.push(
            fieldInvalid(
              `data[${key}]`,
              key,
              "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
            )
          );
      }
      if (old && old.type !== object.type)
        causes.push(fieldInvalid("type", object.type, "field is immutable"));
      return causes;
    }
    case "CronJob":
      return cronJobRules(object, spec);
    case "ExternalSecret": {
      const causes = [];
      (Array.isArray(spec.data) ? spec.data : []).forEach((d, i) => {
        if (!d?.secretKey) causes.push(fieldRequired(`spec.data[${i}].secretKey`));
        if (!d?.remoteRef?.key) causes.push(fieldRequired(`spec.data[${i}].remoteRef.key`));
      });
      if (spec.target?.creationPolicy && !["Owner", "Orphan", "Merge", "None"].includes(spec.target.creationPolicy)) {
        causes.push(
          fieldNotSupported("spec.target.creationPolicy", spec.target.creationPolicy, [
            "Owner",
            "Orphan",
            "Merge",
            "None"
          ])
        );
      }
      return causes;
    }
    default:
      return [];
  }
}
var CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/\d+)?)*$/;
var CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
function cronJobRules(object, spec) {
  const causes = [];
  if (object.metadata.name.length > 52)
    causes.push(fieldInvalid("metadata.name", object.metadata.name, "must be no more than 52 characters"));
  const schedule = spec.schedule;
  if (typeof schedule !== "string" || !schedule) causes.push(fieldRequired("spec.schedule"));
  else {
    const fields = schedule.trim().split(/\s+/);
    const ok = CRON_MACROS.includes(schedule.trim()) || fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
    if (!ok) causes.push(fieldInvalid("spec.schedule", schedule, `unparseable schedule "${schedule}"`));
  }
  if (!["Allow", "Forbid", "Replace"].includes(spec.concurrencyPolicy))
    causes.push(
      fieldNotSupported("spec.concurrencyPolicy", spec.concurrencyPolicy, ["Allow", "Forbid", "Replace"])
    );
  const podSpec = spec.jobTemplate?.spec?.template?.spec;
  causes.push(...containers(podSpec, "spec.jobTemplate.spec.template.spec"));
  if (!["OnFailure", "Never"].includes(podSpec?.restartPolicy))
    causes.push(
      fieldRequired(
        "spec.jobTemplate.spec.template.spec.restartPolicy",
        'valid values: "OnFailure", "Never"'
      )
    );
  return causes;
}
function prepare(type, object, old) {
  normaliseSecret(object);
  applyDefaults(object);
  const causes = [...validateMeta(type, object), ...kindRules(object, old)];
  if (causes.length) throw invalid(type, object.metadata.name ?? "", causes);
  return object;
}

// src/sandbox/kubernetes/write.ts
function specOf(object) {
  const { metadata: _m, status: _s, resourceVersion: _r, ...rest } = object;
  return JSON.stringify(rest);
}
function sameObject(a, b) {
  const strip = (o) => JSON.stringify({
    ...o,
    metadata: { ...o.metadata, resourceVersion: void 0, managedFields: void 0 }
  });
  return strip(a) === strip(b);
}
function checkIdentity(type, candidate, namespace, name) {
  const c = candidate;
  if (!c || typeof c !== "object" || Array.isArray(c))
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: the body is not an object`
    );
  if (c.kind !== type.kind)
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: Object 'Kind' is ${c.kind ? `"${c.kind}", expected "${type.kind}"` : "missing in the body"}`
    );
  const versions = [type.version, ...type.alsoVersions ?? []].map(
    (v) => type.group ? `${type.group}/${v}` : v
  );
  if (!c.apiVersion || !versions.includes(c.apiVersion))
    throw badRequest(
      `the API version in the data (${c.apiVersion ?? ""}) does not match the expected API version (${versions[0]})`
    );
  c.metadata ??= { name: "" };
  if (typeof c.metadata !== "object") throw badRequest("metadata must be an object");
  if (type.namespaced) {
    if (c.metadata.namespace && c.metadata.namespace !== namespace)
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request"
      );
    c.metadata.namespace = namespace;
  } else {
    delete c.metadata.namespace;
  }
  if (name !== void 0 && c.metadata.name !== name)
    throw badRequest(
      `the name of the object (${c.metadata.name ?? ""}) does not match the name on the URL (${name})`
    );
}
function createObject(store, type, namespace, body, dryRun) {
  checkIdentity(type, body, namespace);
  const meta = body.metadata;
  if (!meta.name && meta.generateName)
    meta.name = `${meta.generateName}${randomBytes(3).toString("hex").slice(0, 5)}`;
  for (const field of [
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "deletionTimestamp"
  ])
    delete meta[field];
  delete body.status;
  const object = prepare(type, body);
  if (type.namespaced && !store.get("Namespace", void 0, namespace)) {
    throw namespaceNotFound(namespace);
  }
  if (store.get(type.kind, namespace, object.metadata.name)) throw alreadyExists(type, object.metadata.name);
  if (type.kind === "Namespace") object.status = { phase: "Active" };
  if (dryRun)
    return {
      ...object,
      metadata: { ...object.metadata, uid: "dry-run", creationTimestamp: (/* @__PURE__ */ new Date()).toISOString() }
    };
  return store.create(object, { generation: type.generation });
}
function commitUpdate(store, type, old, candidate, options) {
  checkIdentity(type, candidate, old.metadata.namespace, old.metadata.name);
  const given = candidate.metadata.resourceVersion;
  if (!given && options.requireVersion) {
    throw invalid(type, old.metadata.name, [
      fieldInvalid("metadata.resourceVersion", "0x0", "must be specified for an update")
    ]);
  }
  if (given && given !== old.metadata.resourceVersion) throw conflict(type, old.metadata.name);
  if (candidate.metadata.uid && candidate.metadata.uid !== old.metadata.uid)
    throw invalid(type, old.metadata.name, [
      fieldInvalid("metadata.uid", candidate.metadata.uid, "field is immutable")
    ]);
  let next;
  if (options.subresource === "status") {
    next = { ...structuredClone(old), status: candidate.status };
  } else {
    next = candidate;
    if (old.status !== void 0) next.status = structuredClone(old.status);
    else delete next.status;
    for (const field of ["uid", "creationTimestamp", "generation", "ownerReferences"]) {
      if (field === "ownerReferences" && next.metadata.ownerReferences) continue;
      if (old.metadata[field] !== void 0) next.metadata[field] = old.metadata[field];
    }
    prepare(type, next, old);
    if (type.kind === "Pod" && JSON.stringify(next.spec) !== JSON.stringify(old.spec)) {
      throw invalid(type, old.metadata.name, [
        fieldForbidden(
          "spec",
          "pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
        )
      ]);
    }
    if (type.generation && specOf(next) !== specOf(old))
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  next.metadata.resourceVersion = old.metadata.resourceVersion;
  if (sameObject(next, old) || options.dryRun) return next;
  return store.replace(next);
}

// src/sandbox/kubernetes/external-secrets.ts
var DATA_HASH = "reconcile.external-secrets.io/data-hash";
var CONTROLLER = { namespace: "external-secrets", name: "external-secrets" };
var SyncError = class extends Error {
};
var ExternalSecretsController = class {
  constructor(store, readSecret, timers, failures, retryMs) {
    this.store = store;
    this.readSecret = readSecret;
    this.timers = timers;
    this.failures = failures;
    this.retryMs = retryMs;
  }
  #running = /* @__PURE__ */ new Set();
  #again = /* @__PURE__ */ new Set();
  #unsubscribe;
  start() {
    this.#unsubscribe = this.store.subscribe((e) => this.#onEvent(e));
    this.#all();
  }
  stop() {
    this.#unsubscribe?.();
  }
  #onEvent(e) {
    const { namespace, name } = e.object.metadata;
    if (e.kind === "ExternalSecret") {
      if (e.type !== "DELETED") return this.#schedule(namespace, name, 0);
      this.timers.clear(`es:${namespace}/${name}`);
      const target = this.store.get("Secret", namespace, targetName(e.object));
      if (target?.metadata.ownerReferences?.some((r) => r.uid === e.object.metadata.uid))
        this.store.delete("Secret", namespace, target.metadata.name);
      return;
    }
    if (e.kind === "Deployment" && namespace === CONTROLLER.namespace && name === CONTROLLER.name && (e.object.status?.availableReplicas ?? 0) > 0)
      this.#all();
  }
  #all() {
    for (const es of this.store.list("ExternalSecret"))
      this.#schedule(es.metadata.namespace, es.metadata.name, 0);
  }
  #schedule(namespace, name, ms) {
    this.timers.set(`es:${namespace}/${name}`, ms, () => void this.#reconcile(namespace, name));
  }
  #available() {
    const deployment2 = this.store.get("Deployment", CONTROLLER.namespace, CONTROLLER.name);
    return !deployment2 || (deployment2.status?.availableReplicas ?? 0) > 0;
  }
  async #reconcile(namespace, name) {
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
  async #sync(namespace, name) {
    const es = this.store.get("ExternalSecret", namespace, name);
    if (!es || !this.#available() || this.failures.syncBlocked(namespace, name)) return;
    const spec = es.spec;
    const status2 = es.status ?? {};
    const interval = parseGoDuration(String(spec.refreshInterval ?? "1h"));
    if (interval === void 0) return this.#fail(es, `invalid refreshInterval "${spec.refreshInterval}"`);
    const due = this.#due(es, interval);
    if (due > 0) return this.#schedule(namespace, name, due);
    try {
      const data = await this.#collect(spec);
      const current = this.store.get("ExternalSecret", namespace, name);
      if (!current || current.metadata.resourceVersion !== es.metadata.resourceVersion)
        return this.#schedule(namespace, name, 0);
      this.#writeTarget(current, data);
      this.#writeStatus(current, {
        ...status2,
        refreshTime: rfc3339(),
        syncedResourceVersion: syncedResourceVersion(current.metadata),
        binding: { name: targetName(current) },
        conditions: [readyCondition(status2, "True", "SecretSynced", "Secret was synced")]
      });
      if (interval > 0) this.#schedule(namespace, name, interval);
    } catch (error) {
      if (!(error instanceof SyncError) && !(error instanceof ApiError)) throw error;
      this.#fail(es, error.message);
    }
  }
  /** Milliseconds until a refresh is due; 0 when it is due now; Infinity when never. */
  #due(es, interval) {
    const status2 = es.status ?? {};
    if (interval === 0 && status2.syncedResourceVersion) return Infinity;
    if (status2.syncedResourceVersion !== syncedResourceVersion(es.metadata)) return 0;
    if (!status2.refreshTime) return 0;
    return Math.max(0, Date.parse(status2.refreshTime) + interval - Date.now());
  }
  async #collect(spec) {
    const out = {};
    const read = async (key, where) => {
      let secret;
      try {
        secret = await this.readSecret(key);
      } catch (error) {
        throw new SyncError(
          `could not get secret data from provider: error retrieving secret at ${where}, key: ${key}, err: ${error.message}`
        );
      }
      if (!secret)
        throw new SyncError(
          `could not get secret data from provider: error retrieving secret at ${where}, key: ${key}, err: Secret does not exist`
        );
      return secret.data;
    };
    for (const [i, item] of (spec.data ?? []).entries()) {
      const data = await read(item.remoteRef.key, `.data[${i}]`);
      const property = item.remoteRef.property;
      const value = property === void 0 ? JSON.stringify(data) : data[property];
      if (value === void 0)
        throw new SyncError(
          `could not get secret data from provider: error retrieving secret at .data[${i}], key: ${item.remoteRef.key}, err: key ${property} does not exist in secret ${item.remoteRef.key}`
        );
      out[item.secretKey] = Buffer.from(String(value)).toString("base64");
    }
    for (const [i, item] of (spec.dataFrom ?? []).entries()) {
      if (!item.extract?.key)
        throw new SyncError(
          `could not get secret data from provider: .dataFrom[${i}] supports only extract in this sandbox`
        );
      const data = await read(item.extract.key, `.dataFrom[${i}]`);
      for (const [k2, v] of Object.entries(data)) out[k2] = Buffer.from(String(v)).toString("base64");
    }
    return out;
  }
  #writeTarget(es, data) {
    const namespace = es.metadata.namespace;
    const name = targetName(es);
    const policy = es.spec.target?.creationPolicy ?? "Owner";
    const existing = this.store.get("Secret", namespace, name);
    const type = findKind("Secret");
    if (!existing && policy === "Merge")
      throw new SyncError(`could not update Secret: secrets "${name}" not found (creationPolicy is Merge)`);
    const foreign = existing?.metadata.ownerReferences?.find(
      (r) => r.controller && r.uid !== es.metadata.uid
    );
    if (policy === "Owner" && foreign)
      throw new SyncError(`target is owned by another ${foreign.kind}: ${foreign.name}`);
    const merged = policy === "Merge" ? { ...existing?.data ?? {}, ...data } : data;
    const meta = {
      ...existing?.metadata ?? { name, namespace },
      annotations: { ...existing?.metadata.annotations ?? {}, [DATA_HASH]: dataHash(merged) },
      ...policy === "Owner" ? {
        ownerReferences: [
          {
            apiVersion: es.apiVersion,
            kind: "ExternalSecret",
            name: es.metadata.name,
            uid: es.metadata.uid,
            controller: true,
            blockOwnerDeletion: true
          }
        ]
      } : {}
    };
    const candidate = {
      apiVersion: "v1",
      kind: "Secret",
      type: existing?.type ?? "Opaque",
      metadata: meta,
      data: merged
    };
    if (existing)
      commitUpdate(this.store, type, existing, candidate, { requireVersion: false, dryRun: false });
    else createObject(this.store, type, namespace, candidate, false);
  }
  #writeStatus(es, status2) {
    commitUpdate(
      this.store,
      findKind("ExternalSecret"),
      es,
      { ...es, status: status2 },
      { subresource: "status", requireVersion: false, dryRun: false }
    );
  }
  #fail(es, message) {
    const status2 = es.status ?? {};
    this.#writeStatus(es, {
      ...status2,
      conditions: [readyCondition(status2, "False", "SecretSyncedError", message)]
    });
    this.#schedule(es.metadata.namespace, es.metadata.name, this.retryMs);
  }
};
function targetName(es) {
  return es.spec?.target?.name ?? es.metadata.name;
}
function readyCondition(previous, status2, reason, message) {
  const before = (previous.conditions ?? []).find((c) => c.type === "Ready");
  const lastTransitionTime = before && before.status === status2 ? before.lastTransitionTime : rfc3339();
  return { type: "Ready", status: status2, reason, message, lastTransitionTime };
}

// src/sandbox/kubernetes/failures.ts
var Failures = class {
  #active = [];
  inject(failure) {
    this.#active.push(failure);
    return () => {
      this.#active = this.#active.filter((f) => f !== failure);
    };
  }
  forWorkload(namespace, workload2) {
    return this.#active.find(
      (f) => f.kind === "pod" && f.namespace === namespace && f.workload === workload2
    );
  }
  syncBlocked(namespace, name) {
    return this.#active.some(
      (f) => f.kind === "external-secret" && f.namespace === namespace && f.name === name
    );
  }
};

// src/sandbox/kubernetes/kubeconfig.ts
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
var SANDBOX_CONTEXT = "rotor-sandbox";
async function writeKubeconfig(options) {
  const dir = options.path ? void 0 : await mkdtemp(join(tmpdir(), "rotor-kube-"));
  const path = options.path ?? join(dir, "kubeconfig");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: SANDBOX_CONTEXT,
        cluster: {
          server: options.url,
          "certificate-authority-data": Buffer.from(options.caPem).toString("base64")
        }
      }
    ],
    users: [{ name: SANDBOX_CONTEXT, user: { token: options.token } }],
    contexts: [
      {
        name: SANDBOX_CONTEXT,
        context: {
          cluster: SANDBOX_CONTEXT,
          user: SANDBOX_CONTEXT,
          namespace: options.namespace ?? "harmonyflow-production"
        }
      }
    ],
    "current-context": SANDBOX_CONTEXT,
    preferences: {}
  };
  await writeFile(path, `${JSON.stringify(config, null, 2)}
`, { mode: 384 });
  await chmod(path, 384);
  return {
    path,
    remove: async () => {
      await rm(dir ?? path, { recursive: true, force: true }).catch(() => void 0);
    }
  };
}

// src/sandbox/kubernetes/pods.ts
import { createHash as createHash2, randomInt } from "node:crypto";
var SUFFIX = "bcdfghjklmnpqrstvwxz2456789";
function randomSuffix() {
  let out = "";
  for (let i = 0; i < 5; i++) out += SUFFIX[randomInt(SUFFIX.length)];
  return out;
}
function templateHash(template) {
  const hex = createHash2("sha256").update(JSON.stringify(template ?? {})).digest("hex");
  let out = "";
  for (let i = 0; i < 10; i++) out += SUFFIX[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % SUFFIX.length];
  return out;
}
function newPod(workload2, name, labels, owner) {
  const template = workload2.spec.template ?? {};
  const spec = structuredClone(template.spec ?? {});
  spec.restartPolicy ??= "Always";
  spec.nodeName = "rotor-sandbox-node";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: workload2.metadata.namespace,
      labels: { ...template.metadata?.labels ?? {}, ...labels },
      ...template.metadata?.annotations ? { annotations: structuredClone(template.metadata.annotations) } : {},
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: owner.kind,
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true
        }
      ]
    },
    spec,
    status: pendingStatus(spec)
  };
}
function containerNames(pod) {
  return (pod.spec?.containers ?? []).map((c) => c.name);
}
function baseConditions(ready, now, containers2 = []) {
  const s = (v) => v ? "True" : "False";
  return [
    { type: "PodReadyToStartContainers", status: "True", lastTransitionTime: now },
    { type: "Initialized", status: "True", lastTransitionTime: now },
    {
      type: "Ready",
      status: s(ready),
      lastTransitionTime: now,
      ...ready ? {} : {
        reason: "ContainersNotReady",
        message: `containers with unready status: [${containers2.join(" ")}]`
      }
    },
    { type: "ContainersReady", status: s(ready), lastTransitionTime: now },
    { type: "PodScheduled", status: "True", lastTransitionTime: now }
  ];
}
function pendingStatus(spec) {
  const now = rfc3339();
  return {
    phase: "Pending",
    conditions: baseConditions(
      false,
      now,
      (spec.containers ?? []).map((c) => c.name)
    ),
    hostIP: "10.0.0.10",
    startTime: now,
    containerStatuses: (spec.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      imageID: "",
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: "ContainerCreating" } }
    }))
  };
}
function runningStatus(pod) {
  const now = rfc3339();
  const spec = pod.spec;
  return {
    phase: "Running",
    conditions: baseConditions(true, now),
    hostIP: "10.0.0.10",
    podIP: `10.244.0.${randomInt(2, 250)}`,
    startTime: pod.status?.startTime ?? now,
    containerStatuses: spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${createHash2("sha256").update(c.image).digest("hex")}`,
      containerID: `containerd://${createHash2("sha256").update(`${pod.metadata.uid}${c.name}`).digest("hex")}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } }
    }))
  };
}
function failingStatus(pod, failure, restarts) {
  const now = rfc3339();
  const spec = pod.spec;
  const reason = failure.reason ?? "CrashLoopBackOff";
  const crashing = reason === "CrashLoopBackOff" || reason === "Error";
  return {
    phase: crashing ? "Running" : "Pending",
    conditions: baseConditions(false, now, containerNames(pod)),
    hostIP: "10.0.0.10",
    startTime: pod.status?.startTime ?? now,
    containerStatuses: spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: "",
      ready: false,
      started: false,
      restartCount: crashing ? restarts : 0,
      state: {
        waiting: {
          reason,
          message: crashing ? `back-off ${Math.min(10 * 2 ** Math.max(restarts - 1, 0), 300)}s restarting failed container=${c.name} pod=${pod.metadata.name}` : failure.message ?? reason
        }
      },
      ...crashing ? {
        lastState: {
          terminated: {
            exitCode: 1,
            reason: "Error",
            message: failure.message ?? "the container exited with code 1",
            startedAt: now,
            finishedAt: now
          }
        }
      } : {}
    }))
  };
}
function referencedSecrets(pod) {
  const spec = pod.spec;
  const names = /* @__PURE__ */ new Set();
  for (const c of [...spec.containers ?? [], ...spec.initContainers ?? []]) {
    for (const from of c.envFrom ?? [])
      if (from.secretRef?.name && !from.secretRef.optional) names.add(from.secretRef.name);
    for (const env of c.env ?? [])
      if (env.valueFrom?.secretKeyRef?.name && !env.valueFrom.secretKeyRef.optional)
        names.add(env.valueFrom.secretKeyRef.name);
  }
  for (const v of spec.volumes ?? [])
    if (v.secret?.secretName && !v.secret.optional) names.add(v.secret.secretName);
  return [...names];
}
var PodLogs = class {
  #lines = /* @__PURE__ */ new Map();
  append(namespace, pod, line) {
    const key = `${namespace}/${pod}`;
    const lines = this.#lines.get(key) ?? [];
    lines.push(`${(/* @__PURE__ */ new Date()).toISOString()} ${line}`);
    if (lines.length > 2e3) lines.splice(0, lines.length - 2e3);
    this.#lines.set(key, lines);
  }
  drop(namespace, pod) {
    this.#lines.delete(`${namespace}/${pod}`);
  }
  /** The log text; a container name that the pod lacks is 400 as the kubelet answers. */
  read(pod, options) {
    const names = containerNames(pod);
    if (options.container !== void 0 && !names.includes(options.container)) {
      throw badRequest(`container ${options.container} is not valid for pod ${pod.metadata.name}`);
    }
    if (options.container === void 0 && names.length > 1) {
      throw badRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`
      );
    }
    const lines = this.#lines.get(`${pod.metadata.namespace}/${pod.metadata.name}`) ?? [];
    const tail = options.tailLines === void 0 ? lines : options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
    return tail.map((l) => `${l}
`).join("");
  }
};

// src/sandbox/kubernetes/pod-lifecycle.ts
var PodLifecycle = class {
  constructor(store, logs, timers, failures, options) {
    this.store = store;
    this.logs = logs;
    this.timers = timers;
    this.failures = failures;
    this.options = options;
  }
  /** Starts the clock for a pod just created by the workload `workload`. */
  started(pod, workload2) {
    const failure = this.failures.forWorkload(pod.metadata.namespace, workload2);
    const key = `pod:${pod.metadata.namespace}/${pod.metadata.name}`;
    this.timers.set(
      key,
      this.options.readinessDelayMs,
      () => this.#settle(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid, workload2, failure, 1)
    );
  }
  #settle(namespace, name, uid, workload2, failure, attempt) {
    const pod = this.store.get("Pod", namespace, name);
    if (!pod || pod.metadata.uid !== uid) return;
    const missing = referencedSecrets(pod).find((s) => !this.store.get("Secret", namespace, s));
    if (missing) {
      this.#write(
        pod,
        failingStatus(
          pod,
          { reason: "CreateContainerConfigError", message: `secret "${missing}" not found` },
          0
        )
      );
      this.timers.set(
        `pod:${namespace}/${name}`,
        this.options.readinessDelayMs,
        () => this.#settle(namespace, name, uid, workload2, failure, attempt)
      );
      return;
    }
    if (failure) {
      if (attempt === 1) for (const line of failure.logs ?? []) this.logs.append(namespace, name, line);
      this.#write(pod, failingStatus(pod, failure, attempt));
      if (attempt < 5)
        this.timers.set(
          `pod:${namespace}/${name}`,
          this.options.readinessDelayMs * 2,
          () => this.#settle(namespace, name, uid, workload2, failure, attempt + 1)
        );
      return;
    }
    const container2 = pod.spec.containers[0];
    this.logs.append(namespace, name, `INFO starting ${container2.name} (${container2.image})`);
    for (const line of this.options.startupLogs[`${namespace}/${workload2}`] ?? [])
      this.logs.append(namespace, name, line);
    this.logs.append(namespace, name, "INFO ready to serve");
    this.#write(pod, runningStatus(pod));
  }
  #write(pod, status2) {
    if (JSON.stringify(status2) !== JSON.stringify(pod.status)) this.store.replace({ ...pod, status: status2 });
  }
  /** Forgets a deleted pod's timer and log. */
  deleted(namespace, name) {
    this.timers.clear(`pod:${namespace}/${name}`);
    this.logs.drop(namespace, name);
  }
};

// src/sandbox/kubernetes/seed.ts
var ns = (name) => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels: { "kubernetes.io/metadata.name": name } }
});
function container(name, image, extra = {}) {
  return { name, image, ...extra };
}
function deployment(namespace, name, replicas, labels, containers2, annotations) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels, ...annotations ? { annotations } : {} },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: containers2 } }
    }
  };
}
function statefulSet(namespace, name, replicas, image) {
  const labels = { "app.kubernetes.io/name": name };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container(name.split("-")[0], image)] } }
    }
  };
}
function externalSecret(name, vaultPath, target) {
  return {
    apiVersion: "external-secrets.io/v1beta1",
    kind: "ExternalSecret",
    metadata: { name, namespace: APP_NS, labels: { app: "session-state-service" } },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { name: "vault-backend", kind: "ClusterSecretStore" },
      target: { name: target, creationPolicy: "Owner" },
      dataFrom: [{ extract: { key: vaultPath } }]
    }
  };
}
var APP_NS = "harmonyflow-production";
var guideSecretPaths = {
  "session-state-service-secrets": "harmonyflow/session-state-service",
  "session-state-service-postgresql": "harmonyflow/postgresql",
  "session-state-service-redis": "harmonyflow/redis",
  "session-state-service-rabbitmq": "harmonyflow/rabbitmq",
  "session-state-service-admin": "harmonyflow/admin",
  "session-state-service-tls": "harmonyflow/tls"
};
function guideSeed() {
  const appLabels = { app: "session-state-service" };
  const targets = Object.keys(guideSecretPaths);
  const app = container("session-state-service", "harmonyflow/session-state-service:1.4.2", {
    ports: [{ containerPort: 8080, name: "http" }],
    envFrom: targets.map((name) => ({ secretRef: { name } }))
  });
  const objects = [
    ...[
      "default",
      APP_NS,
      "external-secrets",
      "postgresql",
      "redis-production",
      "rabbitmq-production",
      "vault"
    ].map(ns),
    {
      apiVersion: "external-secrets.io/v1beta1",
      kind: "ClusterSecretStore",
      metadata: { name: "vault-backend" },
      spec: {
        provider: {
          vault: {
            server: "http://vault.vault:8200",
            path: "secret",
            version: "v2",
            auth: { kubernetes: { mountPath: "kubernetes", role: "external-secrets" } }
          }
        }
      }
    },
    deployment("external-secrets", "external-secrets", 1, { "app.kubernetes.io/name": "external-secrets" }, [
      container("external-secrets", "ghcr.io/external-secrets/external-secrets:v0.10.4")
    ]),
    externalSecret(
      "session-state-service-jwt",
      "harmonyflow/session-state-service",
      "session-state-service-secrets"
    ),
    externalSecret(
      "session-state-service-postgresql",
      "harmonyflow/postgresql",
      "session-state-service-postgresql"
    ),
    externalSecret("session-state-service-redis", "harmonyflow/redis", "session-state-service-redis"),
    externalSecret(
      "session-state-service-rabbitmq",
      "harmonyflow/rabbitmq",
      "session-state-service-rabbitmq"
    ),
    externalSecret("session-state-service-admin", "harmonyflow/admin", "session-state-service-admin"),
    externalSecret("session-state-service-tls", "harmonyflow/tls", "session-state-service-tls"),
    deployment(APP_NS, "session-state-service", 3, appLabels, [app]),
    statefulSet("postgresql", "postgresql-primary", 1, "bitnami/postgresql:16.2.0"),
    statefulSet("redis-production", "redis-cluster", 6, "bitnami/redis-cluster:7.2.4"),
    statefulSet("rabbitmq-production", "rabbitmq-server", 1, "rabbitmq:3.13-management"),
    statefulSet("vault", "vault", 1, "hashicorp/vault:1.15.4")
  ];
  return {
    objects,
    startupLogs: {
      [`${APP_NS}/session-state-service`]: [
        "INFO jwt: signing keys loaded (current and previous)",
        "INFO postgresql: connected to postgresql-primary.postgresql:5432 as harmonyflow",
        "INFO redis: connected to redis-cluster.redis-production:6379",
        "INFO rabbitmq: connected to rabbitmq-server.rabbitmq-production:5672",
        "INFO http: listening on :8080"
      ],
      "external-secrets/external-secrets": [
        "INFO controller: starting ExternalSecret reconciler",
        "INFO provider: vault client ready (http://vault.vault:8200)"
      ]
    }
  };
}

// src/sandbox/kubernetes/server.ts
import { createServer } from "node:https";

// src/sandbox/kubernetes/discovery.ts
function discovery(path, serverAddress) {
  const clean = path.replace(/\/+$/, "") || "/";
  if (clean === "/api") {
    return {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }]
    };
  }
  if (clean === "/apis")
    return { kind: "APIGroupList", apiVersion: "v1", groups: groups().map(([, g]) => g) };
  if (clean === "/version") {
    return {
      major: "1",
      minor: "32",
      gitVersion: "v1.32.0-rotor-sandbox",
      gitCommit: "",
      gitTreeState: "clean",
      buildDate: "2026-01-01T00:00:00Z",
      goVersion: "go1.23",
      compiler: "gc",
      platform: "linux/amd64"
    };
  }
  const groupMatch = /^\/apis\/([^/]+)$/.exec(clean);
  if (groupMatch) return groups().find(([name]) => name === groupMatch[1])?.[1];
  const versionMatch = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(clean);
  if (versionMatch) {
    const groupVersion = versionMatch[1] ?? versionMatch[2];
    const types = groupVersions().get(groupVersion);
    if (!types) return void 0;
    return {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion,
      resources: types.flatMap(resourceEntries)
    };
  }
  return void 0;
}
function groups() {
  const byGroup = /* @__PURE__ */ new Map();
  for (const type of resourceTypes) {
    if (!type.group) continue;
    const versions = byGroup.get(type.group) ?? [];
    for (const v of [type.version, ...type.alsoVersions ?? []]) if (!versions.includes(v)) versions.push(v);
    byGroup.set(type.group, versions);
  }
  return [...byGroup].map(([name, versions]) => [
    name,
    {
      kind: "APIGroup",
      apiVersion: "v1",
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] }
    }
  ]);
}
function resourceEntries(type) {
  const main = {
    name: type.resource,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...type.shortNames ? { shortNames: type.shortNames } : {},
    ...type.categories ? { categories: type.categories } : {}
  };
  const subs = type.subresources.map((sub) => ({
    name: `${type.resource}/${sub}`,
    singularName: "",
    namespaced: type.namespaced,
    kind: sub === "log" ? "Pod" : type.kind,
    verbs: sub === "log" ? ["get"] : ["get", "patch", "update"]
  }));
  return [main, ...subs];
}

// src/sandbox/kubernetes/http-io.ts
var MAX_BODY = 3 * 1024 * 1024;
async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw badRequest("the request body is too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw badRequest("the request body is empty");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded as JSON: ${error.message}`);
  }
}
function sendJson(res, code, body) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-cache, private"
  });
  res.end(text);
}
function sendText(res, code, text) {
  res.writeHead(code, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text)
  });
  res.end(text);
}
function parseBool(value) {
  return value !== null && ["1", "t", "T", "TRUE", "true", "True"].includes(value);
}

// src/sandbox/kubernetes/patch.ts
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var JSON_PATCH = "application/json-patch+json";
var MERGE_PATCH = "application/merge-patch+json";
var STRATEGIC_PATCH = "application/strategic-merge-patch+json";
function mergePatch(target, patch) {
  if (!isObject(patch)) return structuredClone(patch);
  const out = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
var MERGE_KEYS = {
  containers: "name",
  initContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  ports: "containerPort",
  imagePullSecrets: "name",
  hostAliases: "ip",
  conditions: "type",
  ownerReferences: "uid"
};
function strategicMergePatch(target, patch) {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === "delete") return void 0;
  const out = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$setElementOrder/") || key === "$retainKeys") continue;
    if (key.startsWith("$")) throw badRequest(`unknown patch directive ${key}`);
    if (value === null) {
      delete out[key];
    } else if (Array.isArray(value) && MERGE_KEYS[key] && (Array.isArray(out[key]) || out[key] === void 0)) {
      out[key] = mergeList(out[key] ?? [], value, MERGE_KEYS[key]);
    } else {
      const merged = strategicMergePatch(out[key], value);
      if (merged === void 0) delete out[key];
      else out[key] = merged;
    }
  }
  return out;
}
function mergeList(current, patch, mergeKey) {
  const out = [...current];
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === void 0)
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = out.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (item.$patch === "delete") {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = strategicMergePatch(out[index], item);
    } else {
      out.push(strategicMergePatch({}, item));
    }
  }
  return out;
}
function pointer(path) {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`invalid JSON pointer "${path}"`);
  return path.slice(1).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}
function unprocessable(message) {
  return new ApiError({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: "Invalid",
    code: 422
  });
}
function parent(doc, parts, path) {
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[part];
    else node = void 0;
    if (node === void 0) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(node) && !isObject(node))
    throw unprocessable(`doc is missing path: "${path}": missing value`);
  return { container: node, last: parts[parts.length - 1] };
}
function getAt(doc, path) {
  let node = doc;
  for (const part of pointer(path)) {
    node = Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[part] : void 0;
    if (node === void 0) throw unprocessable(`doc is missing path: "${path}": missing value`);
  }
  return node;
}
function remove(doc, path) {
  const { container: container2, last } = parent(doc, pointer(path), path);
  if (Array.isArray(container2)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= container2.length)
      throw unprocessable(`unable to remove nonexistent key: ${last}: missing value`);
    return container2.splice(i, 1)[0];
  }
  if (!(last in container2)) throw unprocessable(`unable to remove nonexistent key: ${last}: missing value`);
  const value = container2[last];
  delete container2[last];
  return value;
}
function add(doc, path, value, replace) {
  const parts = pointer(path);
  if (parts.length === 0) return structuredClone(value);
  const { container: container2, last } = parent(doc, parts, path);
  if (Array.isArray(container2)) {
    const i = last === "-" ? container2.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > container2.length || replace && i >= container2.length)
      throw unprocessable(`Unable to access invalid index: ${last}: invalid index referenced`);
    container2.splice(i, replace ? 1 : 0, structuredClone(value));
  } else {
    if (replace && !(last in container2))
      throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    container2[last] = structuredClone(value);
  }
  return doc;
}
function jsonPatch(target, operations) {
  if (!Array.isArray(operations))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let doc = structuredClone(target);
  for (const raw of operations) {
    if (!isObject(raw) || typeof raw.op !== "string" || typeof raw.path !== "string")
      throw badRequest('invalid JSON patch operation: needs "op" and "path"');
    switch (raw.op) {
      case "add":
        doc = add(doc, raw.path, raw.value, false);
        break;
      case "replace":
        doc = add(doc, raw.path, raw.value, true);
        break;
      case "remove":
        remove(doc, raw.path);
        break;
      case "move": {
        const v = remove(doc, raw.from ?? "");
        doc = add(doc, raw.path, v, false);
        break;
      }
      case "copy":
        doc = add(doc, raw.path, structuredClone(getAt(doc, raw.from ?? "")), false);
        break;
      case "test":
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value))
          throw unprocessable(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}
function applyPatch(contentType, target, body, strategicAllowed) {
  const type = contentType.split(";")[0].trim().toLowerCase();
  const accepted = [JSON_PATCH, MERGE_PATCH, ...strategicAllowed ? [STRATEGIC_PATCH] : []];
  if (type === JSON_PATCH) return jsonPatch(target, body);
  if (type === MERGE_PATCH) return mergePatch(target, body);
  if (type === STRATEGIC_PATCH && strategicAllowed) return strategicMergePatch(target, body);
  throw unsupportedMediaType(accepted);
}

// src/sandbox/kubernetes/selectors.ts
function parseLabelSelector(selector) {
  if (!selector || !selector.trim()) return () => true;
  const parts = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  const requirements = parts.map((raw) => parseRequirement(raw.trim(), selector));
  return (labels) => requirements.every((r) => r(labels));
}
var KEY = /^([a-z0-9A-Z.\-/_]+)$/;
function parseRequirement(raw, whole) {
  let m;
  if ((m = /^!\s*(\S+)$/.exec(raw)) && KEY.test(m[1])) {
    const key = m[1];
    return (l) => !(key in l);
  }
  if ((m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(raw)) && KEY.test(m[1])) {
    const [, key, op, value] = m;
    return op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(raw)) && KEY.test(m[1])) {
    const [, key, op, list2] = m;
    const values = new Set(list2.split(",").map((v) => v.trim()));
    return op === "in" ? (l) => key in l && values.has(l[key]) : (l) => !(key in l) || !values.has(l[key]);
  }
  if (KEY.test(raw)) return (l) => raw in l;
  throw badRequest(
    `unable to parse requirement: found '${raw}', expected: identifier in label selector "${whole}"`
  );
}
var FIELDS = {
  "metadata.name": (o) => o.metadata.name,
  "metadata.namespace": (o) => o.metadata.namespace
};
var POD_FIELDS = {
  ...FIELDS,
  "status.phase": (o) => o.status?.phase,
  "spec.nodeName": (o) => o.spec?.nodeName
};
function parseFieldSelector(selector, kind) {
  if (!selector || !selector.trim()) return () => true;
  const fields = kind === "Pod" ? POD_FIELDS : FIELDS;
  const tests = selector.split(",").map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${raw}'`);
    const [, field, op, value] = m;
    const get = fields[field];
    if (!get) throw badRequest(`field label not supported: ${field}`);
    return (o) => op === "!=" ? get(o) !== value : get(o) === value;
  });
  return (o) => tests.every((t) => t(o));
}

// src/sandbox/kubernetes/watch.ts
function serveWatch(res, store, request, openWatches) {
  res.writeHead(200, {
    "content-type": "application/json",
    "transfer-encoding": "chunked",
    "cache-control": "no-cache, private"
  });
  res.flushHeaders();
  const send = (type, object) => res.write(`${JSON.stringify({ type, object })}
`);
  const relevant = (e) => e.kind === request.type.kind && (request.namespace === void 0 || e.object.metadata.namespace === request.namespace) && request.matches(e.object);
  const rv = request.resourceVersion;
  if (!rv || rv === "0") {
    for (const object of store.list(request.type.kind, request.namespace))
      if (request.matches(object)) send("ADDED", request.present(object));
  } else {
    const since = Number(rv);
    const events = Number.isFinite(since) ? store.eventsSince(since) : void 0;
    if (!events) {
      send("ERROR", gone(rv, String(store.oldestWatchable)).status);
      res.end();
      return;
    }
    for (const e of events) if (relevant(e)) send(e.type, request.present(e.object));
  }
  const unsubscribe = store.subscribe((e) => {
    if (relevant(e)) send(e.type, request.present(e.object));
  });
  openWatches.add(res);
  const finish = () => {
    unsubscribe();
    openWatches.delete(res);
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = request.timeoutSeconds ? setTimeout(finish, request.timeoutSeconds * 1e3) : void 0;
  timer?.unref();
  res.on("close", finish);
}

// src/sandbox/kubernetes/handlers.ts
function verbOf(method, r, query) {
  if (method === "GET")
    return r.name !== void 0 ? "get" : parseBool(query.get("watch")) ? "watch" : "list";
  if (method === "POST" && r.name === void 0 && !r.subresource) return "create";
  if (method === "PUT" && r.name !== void 0) return "update";
  if (method === "PATCH" && r.name !== void 0) return "patch";
  if (method === "DELETE" && r.name !== void 0) return "delete";
  return void 0;
}
async function handleResource(req, res, r, query, deps) {
  const { store } = deps;
  const type = r.resource;
  const verb = verbOf(req.method ?? "GET", r, query);
  if (!verb || !type.verbs.includes(verb) || r.subresource && !["get", "update", "patch"].includes(verb))
    throw methodNotAllowed();
  if (type.namespaced && r.namespace === void 0 && r.name !== void 0) throw noSuchResource();
  const present = (o) => ({
    ...o,
    apiVersion: type.group ? `${type.group}/${r.version}` : r.version
  });
  const dryRun = query.get("dryRun") === "All";
  const existing = () => {
    const found = store.get(type.kind, r.namespace, r.name);
    if (!found) throw notFound(type, r.name);
    return found;
  };
  switch (verb) {
    case "get": {
      const object = existing();
      if (r.subresource === "log") {
        const tail = query.get("tailLines");
        const tailLines = tail === null ? void 0 : Number(tail);
        if (tailLines !== void 0 && (!Number.isInteger(tailLines) || tailLines < 0))
          throw badRequest(`invalid tailLines: ${tail}`);
        return sendText(
          res,
          200,
          deps.readLog(r.namespace, r.name, { tailLines, container: query.get("container") ?? void 0 })
        );
      }
      return sendJson(res, 200, present(object));
    }
    case "list":
    case "watch": {
      const labels = parseLabelSelector(query.get("labelSelector") ?? void 0);
      const fields = parseFieldSelector(query.get("fieldSelector") ?? void 0, type.kind);
      const matches = (o) => labels(o.metadata.labels ?? {}) && fields(o);
      if (verb === "watch") {
        const timeout = Number(query.get("timeoutSeconds") ?? "");
        return serveWatch(
          res,
          store,
          {
            type,
            namespace: r.namespace,
            resourceVersion: query.get("resourceVersion") ?? void 0,
            matches,
            present,
            timeoutSeconds: timeout > 0 ? timeout : void 0
          },
          deps.openWatches
        );
      }
      return sendJson(
        res,
        200,
        list(type, r.version, store, store.list(type.kind, r.namespace).filter(matches).map(present), query)
      );
    }
    case "create":
      return sendJson(res, 201, present(createObject(store, type, r.namespace, await readJson(req), dryRun)));
    case "update": {
      const body = await readJson(req);
      const old = existing();
      const requireVersion = !type.strategicMerge;
      return sendJson(
        res,
        200,
        present(commitUpdate(store, type, old, body, { subresource: r.subresource, requireVersion, dryRun }))
      );
    }
    case "patch": {
      const body = await readJson(req);
      const old = existing();
      const patched = applyPatch(req.headers["content-type"] ?? "", present(old), body, type.strategicMerge);
      return sendJson(
        res,
        200,
        present(
          commitUpdate(store, type, old, patched, {
            subresource: r.subresource,
            requireVersion: false,
            dryRun
          })
        )
      );
    }
    case "delete": {
      const old = existing();
      if (dryRun) return sendJson(res, 200, present(old));
      const deleted = store.delete(type.kind, r.namespace, r.name);
      if (type.kind === "Pod" || !type.strategicMerge) return sendJson(res, 200, present(deleted));
      return sendJson(res, 200, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        details: {
          name: r.name,
          ...type.group ? { group: type.group } : {},
          kind: type.resource,
          uid: deleted.metadata.uid
        }
      });
    }
  }
  throw methodNotAllowed();
}
function list(type, version, store, items, query) {
  const limit = Number(query.get("limit") ?? "0");
  let start = 0;
  const token = query.get("continue");
  if (token) {
    try {
      start = JSON.parse(Buffer.from(token, "base64").toString("utf8")).start;
    } catch {
      throw badRequest("continue key is not valid: illegal base64 data");
    }
  }
  const page = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
  const more = limit > 0 && start + limit < items.length;
  return {
    kind: type.listKind,
    apiVersion: type.group ? `${type.group}/${version}` : version,
    metadata: {
      resourceVersion: String(store.revision),
      ...more ? {
        continue: Buffer.from(JSON.stringify({ start: start + limit })).toString("base64"),
        remainingItemCount: items.length - start - limit
      } : {}
    },
    items: page
  };
}

// src/sandbox/kubernetes/routes.ts
function route(pathname) {
  const parts = pathname.split("/").filter(Boolean);
  if (parts.length === 0) return { type: "discovery", path: "/" };
  let group;
  let version;
  let rest;
  if (parts[0] === "api") {
    if (parts.length <= 2) return { type: "discovery", path: pathname };
    group = "";
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    if (parts.length <= 3) return { type: "discovery", path: pathname };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { type: "discovery", path: pathname };
  }
  let namespace;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const resource = findResource(group, version, plural);
  if (!resource || extra.length) return { type: "unknown-resource" };
  if (namespace !== void 0 && !resource.namespaced) return { type: "unknown-resource" };
  if (subresource !== void 0 && !resource.subresources.includes(subresource))
    return { type: "unknown-resource" };
  return { type: "resource", resource, version, namespace, name, subresource };
}

// src/sandbox/kubernetes/server.ts
var PUBLIC = /* @__PURE__ */ new Set(["/healthz", "/livez", "/readyz", "/version"]);
function createApiServer(deps, tls) {
  return createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    serve(req, res, deps).catch((error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) return sendJson(res, error.status.code, error.status);
      sendJson(res, 500, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `Internal error occurred: ${error.message}`,
        reason: "InternalError",
        code: 500
      });
    });
  });
}
async function serve(req, res, deps) {
  const url = new URL(req.url ?? "/", "http://emulator");
  const path = url.pathname;
  if (PUBLIC.has(path)) {
    if (path === "/version") return sendJson(res, 200, discovery(path, req.headers.host ?? ""));
    return sendText(res, 200, "ok");
  }
  if (!deps.access.authenticated(req)) throw unauthorized();
  const target = route(path);
  if (target.type === "discovery") {
    if (req.method !== "GET") throw methodNotAllowed();
    const document = discovery(path, req.headers.host ?? "");
    if (document === void 0) return sendText(res, 404, "404 page not found\n");
    return sendJson(res, 200, document);
  }
  if (target.type !== "resource") throw noSuchResource();
  const verb = verbOf(req.method ?? "GET", target, url.searchParams);
  const rbacResource = target.subresource ? `${target.resource.resource}/${target.subresource}` : target.resource.resource;
  if (verb && !deps.access.allowed(verb, rbacResource, target.namespace, target.name)) {
    throw forbidden(target.resource, verb, SANDBOX_USER, target.namespace, target.name, rbacResource);
  }
  await handleResource(req, res, target, url.searchParams, deps);
}

// src/sandbox/kubernetes/timers.ts
var Timers = class {
  #timers = /* @__PURE__ */ new Map();
  #stopped = false;
  /** An infinite delay means never; Node would fire a timer beyond 2^31-1 ms at once, so longer ones are capped. */
  set(key, ms, fn) {
    if (this.#stopped) return;
    this.clear(key);
    if (!Number.isFinite(ms)) return;
    const timer = setTimeout(
      () => {
        this.#timers.delete(key);
        fn();
      },
      Math.min(Math.max(0, ms), 2147483647)
    );
    this.#timers.set(key, timer);
  }
  /** Keeps an already pending timer (the earliest wins), for "reconcile soon" requests. */
  ensure(key, ms, fn) {
    if (!this.#timers.has(key)) this.set(key, ms, fn);
  }
  clear(key) {
    const timer = this.#timers.get(key);
    if (timer) clearTimeout(timer);
    this.#timers.delete(key);
  }
  stop() {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
};

// src/sandbox/kubernetes/tls.ts
import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
var cached;
function servingCertificate() {
  if (cached) return cached;
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(Date.now() - 6e4);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 36e5);
  const subject = [
    { name: "commonName", value: "rotor-sandbox-apiserver" },
    { name: "organizationName", value: "rotor sandbox" }
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" }
      ]
    },
    { name: "subjectKeyIdentifier" }
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  cached = { certPem: forge.pki.certificateToPem(cert), keyPem };
  return cached;
}

// src/sandbox/kubernetes/deployment-rollout.ts
function scaledValue(value, total, roundUp) {
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(String(value ?? ""));
  if (!m) return 0;
  const exact = Number(m[1]) * total / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
var hashOf = (pod) => pod.metadata.labels?.["pod-template-hash"];
var notReadyFirst = (a, b) => Number(isReady(a)) - Number(isReady(b));
function limits(spec) {
  const rolling = spec.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(rolling.maxSurge ?? "25%", spec.replicas, true);
  const unavailable = scaledValue(rolling.maxUnavailable ?? "25%", spec.replicas, false);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}
function rollDeployment(d, pods, hash, act, nextName) {
  const spec = d.spec;
  const replicas = spec.replicas;
  let current = pods.filter((p) => hashOf(p) === hash);
  let old = pods.filter((p) => hashOf(p) !== hash);
  if (!spec.paused) {
    if (spec.strategy?.type === "Recreate") {
      if (old.length) old.forEach((p) => act.remove(p));
      else
        for (let n = current.length; n < replicas; n++) act.create(nextName(), { "pod-template-hash": hash });
    } else {
      const { surge, unavailable } = limits(spec);
      for (const extra of [...current].sort(notReadyFirst).slice(0, Math.max(0, current.length - replicas))) {
        act.remove(extra);
        current = current.filter((p) => p !== extra);
      }
      let total = current.length + old.length;
      for (let n = current.length; n < replicas && total < replicas + surge; n++, total++)
        act.create(nextName(), { "pod-template-hash": hash });
      let ready = current.filter(isReady).length + old.filter(isReady).length;
      for (const pod of [...old].sort(notReadyFirst)) {
        if (isReady(pod)) {
          if (ready - 1 < replicas - unavailable) continue;
          ready--;
        }
        act.remove(pod);
        old = old.filter((p) => p !== pod);
      }
    }
  }
  return {
    status: (podsNow, previous, now) => deploymentStatus(d, podsNow, previous, now, hash),
    recheckMs: spec.paused ? void 0 : (spec.progressDeadlineSeconds ?? 600) * 1e3 + 50
  };
}
function condition(previous, type, status2, reason, message, now, touch) {
  const before = previous.find((c) => c.type === type);
  const changed = !before || before.status !== status2 || before.reason !== reason;
  return {
    type,
    status: status2,
    lastUpdateTime: changed || touch ? now : before.lastUpdateTime,
    lastTransitionTime: !before || before.status !== status2 ? now : before.lastTransitionTime,
    reason,
    message
  };
}
function deploymentStatus(d, pods, previous, now, hash) {
  const spec = d.spec;
  const replicas = spec.replicas;
  const updated = pods.filter((p) => hashOf(p) === hash).length;
  const ready = pods.filter(isReady).length;
  const generation = d.metadata.generation ?? 1;
  const rs = `ReplicaSet "${d.metadata.name}-${hash}"`;
  const conditions = previous.conditions ?? [];
  const progressed = previous.observedGeneration !== generation || (previous.replicas ?? 0) !== pods.length || (previous.updatedReplicas ?? 0) !== updated || (previous.readyReplicas ?? 0) !== ready;
  const complete = updated === replicas && pods.length === replicas && ready >= replicas;
  const before = conditions.find((c) => c.type === "Progressing");
  let progressing;
  if (spec.paused)
    progressing = condition(
      conditions,
      "Progressing",
      "Unknown",
      "DeploymentPaused",
      "Deployment is paused",
      now,
      false
    );
  else if (complete)
    progressing = condition(
      conditions,
      "Progressing",
      "True",
      "NewReplicaSetAvailable",
      `${rs} has successfully progressed.`,
      now,
      progressed
    );
  else if (progressed || !before || before.reason === "DeploymentPaused")
    progressing = condition(
      conditions,
      "Progressing",
      "True",
      "ReplicaSetUpdated",
      `${rs} is progressing.`,
      now,
      true
    );
  else if (before.reason !== "ProgressDeadlineExceeded" && Date.parse(now) - Date.parse(before.lastUpdateTime) >= (spec.progressDeadlineSeconds ?? 600) * 1e3) {
    progressing = condition(
      conditions,
      "Progressing",
      "False",
      "ProgressDeadlineExceeded",
      `${rs} has timed out progressing.`,
      now,
      false
    );
  } else progressing = before;
  const { unavailable } = limits(spec);
  const available = ready >= replicas - unavailable ? condition(
    conditions,
    "Available",
    "True",
    "MinimumReplicasAvailable",
    "Deployment has minimum availability.",
    now,
    false
  ) : condition(
    conditions,
    "Available",
    "False",
    "MinimumReplicasUnavailable",
    "Deployment does not have minimum availability.",
    now,
    false
  );
  const count = (name, n) => n > 0 ? { [name]: n } : {};
  return {
    observedGeneration: generation,
    ...count("replicas", pods.length),
    ...count("updatedReplicas", updated),
    ...count("readyReplicas", ready),
    ...count("availableReplicas", ready),
    ...count("unavailableReplicas", Math.max(0, Math.max(replicas, pods.length) - ready)),
    conditions: [available, progressing]
  };
}

// src/sandbox/kubernetes/statefulset-rollout.ts
var REVISION = "controller-revision-hash";
var ordinal = (pod) => Number(pod.metadata.name.slice(pod.metadata.name.lastIndexOf("-") + 1));
function rollStatefulSet(sts, pods, revision, act) {
  const spec = sts.spec;
  const replicas = spec.replicas;
  const name = sts.metadata.name;
  const byOrdinal = new Map(pods.map((p) => [ordinal(p), p]));
  const allReady = pods.every(isReady);
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const previous = sts.status ?? {};
  const currentRevision = previous.currentRevision ?? revision;
  if (allReady) {
    const missing = [...Array(replicas).keys()].find((i) => !byOrdinal.has(i));
    const excess = pods.filter((p) => ordinal(p) >= replicas).sort((a, b) => ordinal(b) - ordinal(a));
    if (missing !== void 0) {
      const rev = missing < partition ? currentRevision : revision;
      act.create(`${name}-${missing}`, {
        [REVISION]: rev,
        "apps.kubernetes.io/pod-index": String(missing),
        "statefulset.kubernetes.io/pod-name": `${name}-${missing}`
      });
    } else if (excess.length) {
      act.remove(excess[0]);
    } else if (spec.updateStrategy?.type === "RollingUpdate") {
      const stale = pods.filter((p) => ordinal(p) >= partition && p.metadata.labels?.[REVISION] !== revision).sort((a, b) => ordinal(b) - ordinal(a));
      if (stale.length) act.remove(stale[0]);
    }
  }
  return { status: (podsNow) => statefulSetStatus(sts, podsNow, revision, currentRevision) };
}
function statefulSetStatus(sts, pods, revision, currentRevision) {
  const replicas = sts.spec.replicas;
  const updated = pods.filter((p) => p.metadata.labels?.[REVISION] === revision).length;
  const ready = pods.filter(isReady).length;
  const settled = updated === replicas && pods.length === replicas && ready === replicas;
  const current = settled ? revision : currentRevision;
  const count = (field, n) => n > 0 ? { [field]: n } : {};
  return {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: pods.length,
    ...count("readyReplicas", ready),
    ...count("currentReplicas", pods.filter((p) => p.metadata.labels?.[REVISION] === current).length),
    ...count("updatedReplicas", updated),
    ...count("availableReplicas", ready),
    currentRevision: current,
    updateRevision: revision,
    collisionCount: 0
  };
}

// src/sandbox/kubernetes/workloads.ts
var isReady = (pod) => (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
var WorkloadController = class {
  constructor(store, lifecycle, timers) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.timers = timers;
  }
  #unsubscribe;
  start() {
    this.#unsubscribe = this.store.subscribe((event) => this.#onEvent(event));
    for (const kind of ["Deployment", "StatefulSet"])
      for (const w of this.store.list(kind)) this.schedule(kind, w.metadata.namespace, w.metadata.name);
  }
  stop() {
    this.#unsubscribe?.();
  }
  /** Reconciles soon; several changes in one tick share one pass. */
  schedule(kind, namespace, name) {
    this.timers.ensure(
      `workload:${kind}/${namespace}/${name}`,
      0,
      () => this.reconcile(kind, namespace, name)
    );
  }
  #onEvent(event) {
    const { object } = event;
    if (event.kind === "Deployment" || event.kind === "StatefulSet") {
      if (event.type === "DELETED") return this.#cascade(object);
      return this.schedule(event.kind, object.metadata.namespace, object.metadata.name);
    }
    if (event.kind === "Pod") {
      if (event.type === "DELETED") this.lifecycle.deleted(object.metadata.namespace, object.metadata.name);
      const owner = this.#ownerOf(object);
      if (owner) this.schedule(owner.kind, object.metadata.namespace, owner.name);
    }
  }
  /** The workload a pod belongs to, from its controller reference. */
  #ownerOf(pod) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (!ref) return void 0;
    if (ref.kind === "StatefulSet") return { kind: "StatefulSet", name: ref.name };
    const hash = pod.metadata.labels?.["pod-template-hash"];
    if (ref.kind === "ReplicaSet" && hash && ref.name.endsWith(`-${hash}`))
      return { kind: "Deployment", name: ref.name.slice(0, -hash.length - 1) };
    return void 0;
  }
  podsOf(workload2) {
    return this.store.list("Pod", workload2.metadata.namespace).filter((p) => {
      const owner = this.#ownerOf(p);
      return owner?.kind === workload2.kind && owner.name === workload2.metadata.name;
    });
  }
  #cascade(workload2) {
    for (const pod of this.podsOf(workload2))
      this.store.delete("Pod", pod.metadata.namespace, pod.metadata.name);
  }
  reconcile(kind, namespace, name) {
    const workload2 = this.store.get(kind, namespace, name);
    if (!workload2) return;
    const hash = templateHash(workload2.spec.template);
    const actions = {
      create: (podName, labels) => {
        const ownerName = kind === "Deployment" ? `${name}-${hash}` : name;
        const ownerKind = kind === "Deployment" ? "ReplicaSet" : "StatefulSet";
        const pod = this.store.create(
          newPod(workload2, podName, labels, {
            kind: ownerKind,
            name: ownerName,
            uid: workload2.metadata.uid
          }),
          { generation: false }
        );
        this.lifecycle.started(pod, name);
      },
      remove: (pod) => this.store.delete("Pod", namespace, pod.metadata.name)
    };
    const pods = this.podsOf(workload2);
    const outcome = kind === "Deployment" ? rollDeployment(workload2, pods, hash, actions, () => `${name}-${hash}-${randomSuffix()}`) : rollStatefulSet(workload2, pods, `${name}-${hash}`, actions);
    const fresh = this.store.get(kind, namespace, name);
    if (!fresh) return;
    const status2 = outcome.status(this.podsOf(fresh), fresh.status ?? {}, rfc3339());
    if (JSON.stringify(status2) !== JSON.stringify(fresh.status)) this.store.replace({ ...fresh, status: status2 });
    const recheck = `workload-deadline:${kind}/${namespace}/${name}`;
    if (outcome.recheckMs !== void 0)
      this.timers.set(recheck, outcome.recheckMs, () => this.reconcile(kind, namespace, name));
    else this.timers.clear(recheck);
  }
};

// src/sandbox/kubernetes/index.ts
async function startKubeEmulator(options) {
  const store = new ObjectStore();
  const timers = new Timers();
  const failures = new Failures();
  const logs = new PodLogs();
  const token = options.token ?? randomBytes2(24).toString("base64url");
  const access = new Access(token);
  const seed = options.seed === false ? { objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } }] } : options.seed === true || options.seed === void 0 ? guideSeed() : options.seed;
  const lifecycle = new PodLifecycle(store, logs, timers, failures, {
    readinessDelayMs: options.readinessDelayMs ?? 1500,
    startupLogs: seed.startupLogs ?? {}
  });
  const workloads = new WorkloadController(store, lifecycle, timers);
  const externalSecrets = new ExternalSecretsController(
    store,
    options.readSecret,
    timers,
    failures,
    options.syncRetryMs ?? 1e3
  );
  const create = (object) => createObject(store, findKind(object.kind), object.metadata.namespace, structuredClone(object), false);
  for (const object of seed.objects) {
    const created = create(object);
    if (created.kind === "ClusterSecretStore") {
      const status2 = {
        conditions: [
          {
            type: "Ready",
            status: "True",
            reason: "Valid",
            message: "store validated",
            lastTransitionTime: created.metadata.creationTimestamp
          }
        ],
        capabilities: "ReadWrite"
      };
      commitUpdate(
        store,
        findKind("ClusterSecretStore"),
        created,
        { ...created, status: status2 },
        { subresource: "status", requireVersion: false, dryRun: false }
      );
    }
  }
  workloads.start();
  externalSecrets.start();
  const openWatches = /* @__PURE__ */ new Set();
  const tls = servingCertificate();
  const server = createApiServer(
    {
      store,
      access,
      openWatches,
      readLog: (namespace, pod, opts) => logs.read(store.get("Pod", namespace, pod), opts)
    },
    tls
  );
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const url = `https://127.0.0.1:${server.address().port}`;
  const kubeconfig = await writeKubeconfig({ url, token, caPem: tls.certPem, path: options.kubeconfigPath });
  return {
    url,
    caPem: tls.certPem,
    kubeconfigPath: kubeconfig.path,
    context: SANDBOX_CONTEXT,
    token,
    injectFailure: (failure) => failures.inject(failure),
    forbid: (rule) => access.deny(rule),
    appendPodLog: (namespace, pod, line) => logs.append(namespace, pod, line),
    create,
    get: (kind, namespace, name) => store.get(kind, namespace, name),
    list: (kind, namespace) => store.list(kind, namespace),
    async close() {
      timers.stop();
      workloads.stop();
      externalSecrets.stop();
      for (const res of openWatches) res.end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      await kubeconfig.remove();
    }
  };
}

// ../../../tmp/emu-kube-start.ts
var vault = async (p) => ({ data: { password: "x", username: "u", "jwt-secret": "a", "jwt-refresh-secret": "b", "api-key": "c", "encryption-key": "d", token: "t", "tls.crt": "c", "tls.key": "k" }, version: 1 });
var k = await startKubeEmulator({ readSecret: vault, readinessDelayMs: 50, kubeconfigPath: "/tmp/emu-kube.kubeconfig" });
console.log(k.url);
setInterval(() => {
}, 1e3);
