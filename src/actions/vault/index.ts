import type { ActionDefinition } from '../types.js';
import { dbRotateRole } from './db-rotate-role.js';
import { dbRotateRoot } from './db-rotate-root.js';
import { dbStaticCreds } from './db-static-creds.js';
import { health } from './health.js';
import { kvCheckVersion } from './kv-check-version.js';
import { kvPatch } from './kv-patch.js';
import { kvPromote } from './kv-promote.js';
import { kvRead } from './kv-read.js';
import { kvRestore } from './kv-restore.js';
import { kvRotate } from './kv-rotate.js';
import { kvRotateRandom } from './kv-rotate-random.js';
import { kvSnapshot } from './kv-snapshot.js';
import { kvStage } from './kv-stage.js';
import { kvWrite } from './kv-write.js';
import { pkiCa } from './pki-ca.js';
import { pkiIssue } from './pki-issue.js';
import { pkiRevoke } from './pki-revoke.js';
import { renewLeases } from './renew-leases.js';
import { sealStatus } from './seal-status.js';
import { transitCheck } from './transit-check.js';
import { transitKeyInfo } from './transit-key-info.js';
import { transitRewrap } from './transit-rewrap.js';
import { transitRotate } from './transit-rotate.js';
import { unseal } from './unseal.js';

/**
 * The `vault.*` step kinds: KV, transit, database, PKI and sys. A new one gets its own file, named
 * after its id, and a line here.
 */
export const vaultActions: readonly ActionDefinition[] = [
  kvRead,
  kvSnapshot,
  kvWrite,
  kvPatch,
  kvRestore,
  kvStage,
  kvPromote,
  kvCheckVersion,
  transitRotate,
  transitKeyInfo,
  dbRotateRoot,
  dbRotateRole,
  dbStaticCreds,
  renewLeases,
  health,
  sealStatus,
  unseal,
  kvRotateRandom,
  kvRotate,
  pkiIssue,
  pkiCa,
  pkiRevoke,
  transitRewrap,
  transitCheck,
];
