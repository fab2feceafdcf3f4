import { Secret } from '../../src/engine/secret.js';
import { SessionKey } from '../../src/engine/session-key.js';
import type { ActionContext } from '../../src/actions/types.js';
import type { Ports } from '../../src/ports/index.js';
import { fetchHttp } from '../../src/adapters/http.js';

/** What a test action context recorded while an action ran. */
export interface ContextRecord {
  logs: string[];
  progress: Array<{ done: number; total: number; label?: string }>;
  secrets: Secret[];
}

/** An ActionContext for calling an action's run/undo/check directly in a test. */
export function testContext(
  ports: Partial<Ports> = {},
  options: { answers?: string[]; stepId?: string; signal?: AbortSignal; key?: SessionKey } = {},
): ActionContext & { record: ContextRecord } {
  const record: ContextRecord = { logs: [], progress: [], secrets: [] };
  const answers = [...(options.answers ?? [])];
  const key = options.key ?? SessionKey.random();
  return {
    record,
    ports: {
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      http: fetchHttp,
      ...ports,
    },
    signal: options.signal ?? new AbortController().signal,
    stepId: options.stepId ?? 'test-step',
    log: (line) => record.logs.push(line),
    progress: (done, total, label) => record.progress.push({ done, total, label }),
    fingerprint: (value) => key.fingerprint(value),
    fingerprintOfDigest: (hex) => key.fingerprintOfDigest(hex),
    secret: (value, label) => {
      const s = new Secret(value, label);
      record.secrets.push(s);
      return s;
    },
    askSecret: async (prompt) => {
      const next = answers.shift();
      if (next === undefined) throw new Error(`test asked for "${prompt}" but no answer was queued`);
      return new Secret(next, prompt);
    },
  };
}
