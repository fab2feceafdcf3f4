/** The first record of every journal: who ran what, where. */
export interface SessionOpened {
  type: 'session-opened';
  sessionId: string;
  operator: string;
  environment: string;
  drill: boolean;
  rotorVersion: string;
  runbookId?: string;
  runbookFile?: string;
  runbookHash?: string;
  /** The command without its values (`run redis --set nodes --yes`): flags are facts, values may be secrets. */
  command: string;
  /** How Vault's and Kubernetes' servers were authenticated (verified-ca, system-cas, skip-verify, plain-http). */
  tls?: SessionTls;
}

/** The TLS mode of each system a session connected to. */
export interface SessionTls {
  vault?: string;
  kubernetes?: string;
}

/** Bad input: recorded so an incident review sees the attempt; nothing else happened. */
export interface SessionRefused {
  type: 'session-refused';
  reason: string;
  exitCode: number;
}

/**
 * One line of a journal. `prev` is the sha256 of the previous line's exact text ('' for the
 * first), so a removed, inserted or edited line breaks the chain and `sessions verify` says where.
 */
export type JournalRecord = { seq: number; prev: string; at: number } & Record<string, unknown> & {
    type: string;
  };

/** An operator broke another session's rotation lock: recorded so the review knows who and why. */
export interface LockBroken {
  type: 'lock-broken';
  secretPath: string;
  holder: { session: string; operator: string; runbook: string; since: string; expires_at: string };
}

/** `rotor resume` picked the session up again, possibly on another machine. */
export interface SessionResumed {
  type: 'session-resumed';
  operator: string;
  rotorVersion: string;
  command: string;
  /** As in session-opened: the connection may differ on the machine that resumes. */
  tls?: SessionTls;
}
