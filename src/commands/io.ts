/** The process as commands see it; tests pass their own. */
export interface Io {
  argv: readonly string[];
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  isTTY: boolean;
  /** Calls back on SIGINT, SIGTERM and SIGHUP; returns how to stop listening. */
  onSignal: (handler: (signal: string) => void) => () => void;
}

export function processIo(): Io {
  return {
    argv: process.argv.slice(2),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    onSignal: (handler) => {
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      const listeners = signals.map((s) => {
        const listener = () => handler(s);
        process.on(s, listener);
        return [s, listener] as const;
      });
      return () => listeners.forEach(([s, l]) => process.off(s, l));
    },
  };
}
