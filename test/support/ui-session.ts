import type { EngineEvent, Outcome } from '../../src/engine/types.js';
import type { SessionHandle, StartRequest, StartSession } from '../../src/session/types.js';
import { Interrupts, fakeWorld, runFake, type FakeWorld } from './fake-engine.js';

/** A session handle the test feeds by hand: `emit` events, see `interrupt` calls. */
export interface ScriptedSession extends SessionHandle {
  emit(event: EngineEvent): void;
  interrupts: number;
}

export function scriptedSession(journalPath = '/state/rotor/sessions/s-1.jsonl'): ScriptedSession {
  const seen: EngineEvent[] = [];
  const listeners = new Set<(e: EngineEvent) => void>();
  let finish!: (o: Outcome) => void;
  const session: ScriptedSession = {
    sessionId: 's-1',
    journalPath,
    interrupts: 0,
    subscribe(listener) {
      seen.forEach(listener);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    interrupt() {
      session.interrupts++;
    },
    done: new Promise<Outcome>((resolve) => (finish = resolve)),
    emit(event) {
      seen.push(event);
      listeners.forEach((l) => l(event));
      if (event.type === 'session-ended') finish(event.outcome);
    },
  };
  return session;
}

/** A StartSession that runs the real engine on fake actions, decided by the TUI's own prompts. */
export interface EngineSession {
  start: StartSession;
  requests: StartRequest[];
  world: FakeWorld;
  interrupts: Interrupts;
}

export function engineSession(yaml: string, world: FakeWorld = fakeWorld()): EngineSession {
  const requests: StartRequest[] = [];
  const interrupts = new Interrupts();
  const start: StartSession = async (request) => {
    requests.push(request);
    const handle = scriptedSession();
    const run = runFake(yaml, {
      world,
      decide: request.decide,
      interrupts,
      inputs: request.inputs as Record<string, string>,
      onEvent: (e) => handle.emit(e),
    });
    return {
      ...handle,
      subscribe: handle.subscribe,
      interrupt: () => interrupts.request(),
      done: run.then((r) => r.outcome),
    };
  };
  return { start, requests, world, interrupts };
}
