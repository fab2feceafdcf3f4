import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';

/** A terminal of a given size that keeps every frame Ink writes (debug mode: whole frames). */
class FakeStdout extends EventEmitter {
  frames: string[] = [];
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write = (data: string): void => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Rendered {
  /** The latest frame, ANSI stripped. */
  lastFrame: () => string;
  /** Every frame so far, ANSI stripped. */
  frames: () => string[];
  stdin: FakeStdin;
  unmount: () => void;
}

/** Like ink-testing-library's render, at a chosen terminal size (80x24 unless told). */
export function renderTui(tree: ReactElement, size: { columns?: number; rows?: number } = {}): Rendered {
  const stdout = new FakeStdout(size.columns ?? 80, size.rows ?? 24);
  const stdin = new FakeStdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(80, 24) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    lastFrame: () => stripVTControlCharacters(stdout.frames.at(-1) ?? ''),
    frames: () => stdout.frames.map((f) => stripVTControlCharacters(f)),
    stdin,
    unmount: () => instance.unmount(),
  };
}

/**
 * Polls until the frame contains `text` (or satisfies the predicate); fails with the last frame.
 * Ink writes a frame before React runs effects, and input handlers are (re)subscribed in effects:
 * so it waits a moment after the match, or the next key could reach the previous handler.
 */
export async function waitForFrame(
  lastFrame: () => string | undefined,
  text: string | ((frame: string) => boolean),
  timeoutMs = 3000,
): Promise<string> {
  const matches = typeof text === 'string' ? (f: string) => f.includes(text) : text;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = stripVTControlCharacters(lastFrame() ?? '');
    if (matches(frame)) {
      await settle(20);
      return frame;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${typeof text === 'string' ? JSON.stringify(text) : 'a matching frame'}; last frame:\n${frame}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets Ink process what was written (key handlers run, state settles) before the next key. */
export const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const keys = {
  enter: '\r',
  escape: '\u001b',
  backspace: '\u007f',
  ctrlC: '\u0003',
  down: '\u001b[B',
  up: '\u001b[A',
  space: ' ',
};
