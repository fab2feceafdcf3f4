import type { GivenInputs } from '../runbook/inputs.js';
import type { EnvironmentInfo, RunbookInfo } from '../session/types.js';
import type { InputSources } from '../runbook/input-source.js';

/** What the operator has chosen so far; `undefined` means not yet. */
export interface Choices {
  environment?: EnvironmentInfo;
  runbook?: RunbookInfo;
  /** Typed inputs (empty ones left out, so defaults apply). */
  inputs?: Record<string, string>;
  /** A policy's run: the operator asked to keep the typed inputs in the policy too. */
  saveToPolicy?: boolean;
  /** Inputs typed before going back to the inputs screen: shown again there, not lost. */
  typedBefore?: Record<string, string>;
  checked: boolean;
}

export type Screen = 'environment' | 'runbook' | 'inputs' | 'checklist' | 'start';

/** Answers given on the command line: those screens are skipped. */
export interface InitialChoices {
  runbookId?: string;
  environment?: string;
  /** Plain text from `--set`, or Secrets (from the environment): either way not asked again. */
  inputs?: GivenInputs;
  /** Where each given input came from (`--set`, ROTOR_INPUT_*, a policy, the resumed session). */
  sources?: InputSources;
  /** Resuming an interrupted session: its checklist was confirmed when it started. */
  resuming?: boolean;
  /** A policy's run (from the policies screen): edits are for this run unless saved to it. */
  policy?: PolicyRun;
}

/** The policy a run comes from, and how to keep edited inputs in it. */
export interface PolicyRun {
  secretPath: string;
  /** Inputs that belong to the policy itself and cannot change here, with the reason. */
  fixed?: Readonly<Record<string, string>>;
  /** Writes the typed inputs into the policy; rejects with the reason when it cannot. */
  save: (inputs: Record<string, string>) => Promise<void>;
}

/** Starting choices from the command line; a name that matches nothing leaves that screen to ask. */
export function initialChoices(
  runbooks: RunbookInfo[],
  environments: EnvironmentInfo[],
  initial: InitialChoices = {},
): Choices {
  const environment = environments.find((e) => e.name === initial.environment);
  const runbook = runbooks.find((r) => r.id === initial.runbookId);
  return { environment, runbook, checked: initial.resuming === true };
}

/** The first screen that still needs an answer. */
export function screenFor(choices: Choices, _initial: InitialChoices = {}): Screen {
  if (!choices.environment) return 'environment';
  if (!choices.runbook) return 'runbook';
  // Every input is reviewed, given or not: one key accepts them all when they are right.
  if (!choices.inputs && choices.runbook.inputs.length > 0) return 'inputs';
  if (!choices.checked && choices.runbook.checklist.length > 0) return 'checklist';
  return 'start';
}

/** Esc: undoes the latest answer the operator gave on screen (never one from the command line). */
export function back(choices: Choices, initial: InitialChoices = {}): Choices {
  const screen = screenFor(choices, initial);
  const order: Screen[] = ['environment', 'runbook', 'inputs', 'checklist'];
  for (let i = order.indexOf(screen) - 1; i >= 0; i--) {
    const step = order[i];
    if (step === 'inputs' && choices.inputs && choices.runbook!.inputs.length > 0)
      return {
        ...choices,
        inputs: undefined,
        typedBefore: choices.inputs,
        saveToPolicy: undefined,
        checked: false,
      };
    if (step === 'runbook' && choices.runbook && choices.runbook.id !== initial.runbookId)
      return { ...choices, runbook: undefined, inputs: undefined, typedBefore: undefined, checked: false };
    if (step === 'environment' && choices.environment && choices.environment.name !== initial.environment)
      return { ...choices, environment: undefined, checked: false };
  }
  return choices;
}
