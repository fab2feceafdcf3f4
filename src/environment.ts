/**
 * The one module that touches the process's environment variables. Every other module takes the
 * variables as a parameter (defaulting to `processEnvironment()`), so tests and the library API
 * can give their own and nothing deep in the layers reads a variable nobody passed it. The linter
 * (eslint.config.js) refuses `process.env` anywhere else in src.
 */

/** Environment variables as rotor's modules take them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The process's own variables (the same object each time, so callers may compare identity). */
export function processEnvironment(): Environment {
  return process.env;
}

/**
 * Set before anything loads React or Ink. React's development build checks every render; an
 * operator's terminal wants the production one. Ink draws only a final frame when it sees CI set:
 * an operator at a real terminal (a shell that happens to export CI, a pipeline's debug session)
 * still needs the live TUI; runs without a terminal are headless and never load Ink.
 */
export function prepareForTerminal(interactive: boolean): void {
  process.env.NODE_ENV ??= 'production';
  if (interactive) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
  }
}
