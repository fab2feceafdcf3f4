import { guideSecrets } from './guide-secrets.js';
import type { KvHelpers } from './vault/helpers.js';

const DAY = 86_400_000;

/**
 * How long ago each of the guide's secrets was last written, in days, as a Vault in service for a
 * while would say: some well past a 90-day period, some recent. `rotor due` counts a secret with
 * no rotation recorded from here, so a trainee who adds a policy sees real overdue secrets.
 * (harmonyflow/tls is absent: its certificate is issued when the sandbox starts.)
 */
export const SECRET_AGE_DAYS: Readonly<Record<string, number>> = {
  'harmonyflow/session-state-service': 200,
  'harmonyflow/postgresql': 120,
  'harmonyflow/redis': 200,
  'harmonyflow/rabbitmq': 95,
  'harmonyflow/admin': 400,
  'harmonyflow/iot-api-key': 30,
};

/** Writes each secret as one version created its age ago (now, for a path not in the table). */
export function writeAgedSecrets(
  vault: Pick<KvHelpers, 'kvWrite'>,
  kv: Readonly<Record<string, Record<string, string>>>,
  now: number,
): void {
  for (const [path, data] of Object.entries(kv))
    vault.kvWrite(path, data, { createdTime: now - (SECRET_AGE_DAYS[path] ?? 0) * DAY });
}

/**
 * `--env sandbox` keeps policies and history in a Vault of their own (services/stores.ts),
 * apart from the world each run starts fresh. It holds the guide's secrets too, aged as the world
 * seeds them, so `rotor due --env sandbox` reads their age from Vault as it would anywhere else.
 * Only absent ones are written (a store from before this was added gets them too); their values
 * are fresh random ones that nothing uses.
 */
export function seedStoreSecrets(vault: Pick<KvHelpers, 'kvWrite' | 'kvRead'>, now: number): void {
  const absent = Object.entries(guideSecrets().kv).filter(([path]) => vault.kvRead(path) === null);
  writeAgedSecrets(vault, Object.fromEntries(absent), now);
}
