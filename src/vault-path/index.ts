export { VaultPathError } from './path-error.js';
export { MAX_PATH_LENGTH, RESERVED_MOUNTS, splitSegments } from './segments.js';
export { parseEngineName, parseMount } from './names.js';
export { DEFAULT_KV_MOUNT, parseKvPath, showKvPath, type KvPath } from './kv-path.js';
