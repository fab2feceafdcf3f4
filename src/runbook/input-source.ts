/**
 * Where an input's value comes from, as the review screen names it. An open set of words, not a
 * closed union: a new source (an inventory file) adds a word here and nothing else has to change.
 * Precedence is decided by whoever gathers the values (the CLI); the screen only shows it.
 */
export type InputSource =
  'default' | 'policy' | 'set' | 'environment' | 'session' | 'typed' | 'inventory' | (string & {});

const WORDS: Record<string, string> = {
  default: 'default',
  policy: 'policy',
  set: '--set',
  environment: 'ROTOR_INPUT',
  session: 'session',
  typed: 'typed',
  inventory: 'inventory',
};

/** The short word shown in the source column; an unknown source shows as itself. */
export function sourceWord(source: InputSource): string {
  return WORDS[source] ?? source;
}

/** Which source each given input came from, by name; inputs not named here use the runbook default. */
export type InputSources = Readonly<Record<string, InputSource>>;
