/** A question waiting for the operator: what was asked, and how to answer it. */
export interface PendingPrompt<Request, Answer> {
  /** Distinct per question: a view keyed on it starts fresh for each one. */
  id: number;
  request: Request;
  answer(value: Answer): void;
  cancel(reason: Error): void;
}

/**
 * A promise-returning question (the engine's decider, a masked secret entry) turned into a tiny
 * store that React reads with `useSyncExternalStore`. The engine stays outside React: it awaits
 * `ask`, the prompt component answers. A new question replaces a pending one, because the engine
 * may abandon a prompt (Ctrl+C during an approval) and ask something else.
 */
export interface PromptStore<Request, Answer> {
  ask(request: Request): Promise<Answer>;
  /** The pending prompt, the same object until it changes (a stable snapshot). */
  current(): PendingPrompt<Request, Answer> | undefined;
  subscribe(listener: () => void): () => void;
  /** Drops the pending prompt without answering (the session ended). */
  clear(): void;
}

export function createPromptStore<Request, Answer>(): PromptStore<Request, Answer> {
  let pending: PendingPrompt<Request, Answer> | undefined;
  let asked = 0;
  const listeners = new Set<() => void>();
  const notify = (): void => listeners.forEach((l) => l());
  const settle = (prompt: PendingPrompt<Request, Answer>): void => {
    if (pending !== prompt) return;
    pending = undefined;
    notify();
  };
  return {
    ask(request) {
      return new Promise<Answer>((resolve, reject) => {
        const prompt: PendingPrompt<Request, Answer> = {
          id: ++asked,
          request,
          answer(value) {
            if (pending !== prompt) return; // answered twice, or replaced: the engine no longer waits
            settle(prompt);
            resolve(value);
          },
          cancel(reason) {
            if (pending !== prompt) return;
            settle(prompt);
            reject(reason);
          },
        };
        pending = prompt;
        notify();
      });
    },
    current: () => pending,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      if (pending === undefined) return;
      pending = undefined;
      notify();
    },
  };
}
