import type { ActionDefinition } from '../types.js';
import {
  dbRotateRole,
  dbRotateRoot,
  dbStaticCreds,
  renewLeases,
  transitKeyInfo,
  transitRotate,
} from './engines.js';
import { kvCheckVersion, kvPatch, kvRead, kvRestore, kvSnapshot, kvWrite } from './kv.js';
import { kvPromote, kvStage } from './kv-stage.js';
import { health, sealStatus, unseal } from './sys.js';

/** Every `vault.*` step kind. */
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
];
