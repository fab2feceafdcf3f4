/**
 * `rotor check`: one row per secret, one hop per system between Vault and the running pods.
 * These types are the `--json` contract (docs/check.md): fields are only ever added.
 */

/** How a hop stands. `drift` and `overdue` are findings; `unreachable`, `forbidden`, `not-judged` are gaps. */
export type HopState = 'ok' | 'drift' | 'overdue' | 'not-judged' | 'unreachable' | 'forbidden' | 'none';

/** The hops of a row, in the order a value travels. */
export type HopName = 'vault' | 'secret' | 'pods' | 'target';
export const HOP_NAMES: readonly HopName[] = ['vault', 'secret', 'pods', 'target'];

/** One hop's verdict: a state, a short line for people, and the facts behind it. */
export interface Hop {
  state: HopState;
  /** One short line (never a value): "v3, 30d old, overdue 16d", "2/3 pods started after the change". */
  detail: string;
  facts?: Record<string, string | number | boolean | null>;
}

/** A row's overall state: the worst of its hops. */
export type RowState = 'agree' | 'drift' | 'overdue' | 'unreachable' | 'forbidden' | 'not-judged';

/** The command that repairs a row's first broken hop. */
export interface Repair {
  /** The runbook to run. */
  runbook: string;
  /** Its inputs (never a secret). */
  inputs: Record<string, string>;
  /** The whole command line, ready to paste. */
  command: string;
}

/** One secret's check. */
export interface CheckRow {
  secret_path: string;
  state: RowState;
  hops: Record<HopName, Hop>;
  /** The first hop that is not ok (absent when the row agrees). */
  broken?: HopName;
  repair?: Repair;
  /** Seconds since Vault wrote the current version (absent when unknown). */
  age_seconds?: number;
  /** Seconds past the policy's next rotation (0 when not overdue; absent with no policy). */
  overdue_seconds?: number;
  /** The ExternalSecrets that read the path, as namespace/name. */
  external_secrets: string[];
  /** The workloads whose pods read their target Secrets, as namespace/Kind/name. */
  consumers: string[];
}

/** Counts over the rows, as the summary line and `check-summary` say them. */
export interface CheckSummary {
  total: number;
  agree: number;
  drift: number;
  overdue: number;
  unreachable: number;
  forbidden: number;
  not_judged: number;
  exit_code: number;
}
