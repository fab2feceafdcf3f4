import { execFileSync } from 'node:child_process';

/** A real terminal: the built CLI running in a tmux pane we type into and read from. */
export class TmuxTerminal {
  private constructor(readonly name: string) {}

  /** Starts `command` in a detached session of the given size; the pane stays after it exits. */
  static start(
    command: string,
    options: { width?: number; height?: number; env?: Record<string, string> } = {},
  ): TmuxTerminal {
    const name = `rotor-e2e-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const env = Object.entries(options.env ?? {})
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ');
    // `; echo EXIT:$?; sleep` keeps the pane readable after rotor exits and shows its exit code.
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      name,
      '-x',
      String(options.width ?? 80),
      '-y',
      String(options.height ?? 24),
      `env ${env} ${command}; echo "EXIT:$?"; sleep 60`,
    ]);
    return new TmuxTerminal(name);
  }

  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' });
  }

  /** Sends keys as tmux names them: 'y', 'Enter', 'C-c', 'Space'. */
  press(...keys: string[]): void {
    for (const key of keys) execFileSync('tmux', ['send-keys', '-t', this.name, key]);
  }

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }

  /** Polls the screen until it shows `text`; fails with the last screen. */
  async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.screen();
      if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the terminal never showed ${String(text)}; last screen:\n${screen}`);
  }

  close(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
