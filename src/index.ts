/**
 * rotor as a library, for other Node programs (a portal, a chat bot): the operations the rotation
 * policy document's client offers, over the same code and the same Vault as the CLI.
 *
 *   import { configurePolicy, dueRotations, rotateSecretNow } from 'rotor/dist/src/index.js';
 *   await configurePolicy({ secret_path: 'harmonyflow/redis', rotation_type: 'scheduled', rotation_period_days: 90 }, { environment: 'staging' });
 */
export {
  configurePolicy,
  dueRotations,
  getRotationHistory,
  getRotationStats,
  getRotationStatus,
  listSecretsForRotation,
  rotateSecretNow,
  type RotateNowOptions,
  type RotationClientOptions,
  type RotationOutcome,
} from './api/rotation-api.js';
export type { DueLine } from './services/due-rotations.js';
export type { HistoryEntry, RotationStats, RotationStatus } from './policy/history.js';
export type { Policy, PolicyInput } from './policy/policy.js';
export type { RotationVerdict } from './policy/rotate-policy.js';
export type { RotationStatusReport } from './policy/rotation-queries.js';
export { ROTATION_TYPES, SECRET_TYPES } from './policy/policy.js';
