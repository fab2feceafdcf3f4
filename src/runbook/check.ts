import type { z } from 'zod';
import type { ActionRegistry } from '../actions/index.js';
import type { ActionDefinition } from '../actions/types.js';
import { isGroupStep, type ActionStep, type Runbook } from './schema.js';
import { expressionsIn, parseExpression, stringsIn } from './template.js';
import { closest } from './closest.js';
import { parseRequiredWhen } from './required-when.js';
import { checkRotates } from './rotates-check.js';

/** Reports one problem at a path in the file (and, optionally, at a key of the map there). */
export type Fail = (problem: string, path: PropertyKey[], hint?: string, key?: string) => never;

interface Scope {
  /** Steps finished before this one, with the action that produced their outputs. */
  earlier: Map<string, ActionDefinition>;
  inForEach: boolean;
}

/**
 * The checks a schema cannot make: actions exist, their parameters are known, and every
 * `{{ }}` reference points at an input, an earlier step's declared output, or a loop item.
 * Runs at load time so a typo fails before anything has changed.
 */
export function checkRunbook(runbook: Runbook, actions: ActionRegistry, fail: Fail): void {
  const seen = new Set<string>();
  const earlier = new Map<string, ActionDefinition>();
  for (const [name, input] of Object.entries(runbook.inputs)) {
    if (typeof input.default === 'string') {
      for (const source of expressionsIn(input.default)) {
        if (!/^env\.[A-Za-z0-9_]+$/.test(source))
          fail(`input ${name}: a default may only refer to {{ env.NAME }}, not {{ ${source} }}`, [
            'inputs',
            name,
            'default',
          ]);
      }
    }
    if (input.required_when !== undefined) checkRequiredWhen(name, input.required_when, runbook, fail);
    if (input.pattern !== undefined) {
      try {
        new RegExp(input.pattern);
      } catch {
        fail(`input ${name}: pattern is not a valid regular expression`, ['inputs', name, 'pattern']);
      }
    }
  }
  const checkAfterRollback = () =>
    runbook.after_rollback.forEach((step, i) => {
      const path = ['after_rollback', i];
      if (seen.has(step.id))
        fail(`step id "${step.id}" is used twice`, [...path, 'id'], 'give every step its own id');
      seen.add(step.id);
      // After a rollback any earlier step may or may not have run: only inputs and env are safe.
      checkActionStep(step, path, runbook, actions, { earlier: new Map(), inForEach: false }, fail);
    });
  runbook.steps.forEach((step, i) => {
    const path = ['steps', i];
    if (seen.has(step.id))
      fail(`step id "${step.id}" is used twice`, [...path, 'id'], 'give every step its own id');
    seen.add(step.id);
    if (isGroupStep(step)) {
      checkStrings(
        {
          when: step.when,
          title: step.title,
          confirm: step.confirm,
          for_each: step.parallel.for_each,
          concurrency: step.parallel.concurrency,
        },
        path,
        runbook,
        { earlier, inForEach: false },
        fail,
      );
      const produced: Array<[string, ActionDefinition]> = [];
      step.parallel.steps.forEach((child, j) => {
        const childPath = [...path, 'parallel', 'steps', j];
        if (seen.has(child.id))
          fail(`step id "${child.id}" is used twice`, [...childPath, 'id'], 'give every step its own id');
        seen.add(child.id);
        produced.push([
          child.id,
          checkActionStep(
            child,
            childPath,
            runbook,
            actions,
            { earlier, inForEach: step.parallel.for_each !== undefined },
            fail,
          ),
        ]);
      });
      for (const [id, action] of produced) earlier.set(id, action);
    } else {
      earlier.set(
        step.id,
        checkActionStep(step, path, runbook, actions, { earlier, inForEach: false }, fail),
      );
    }
  });
  checkAfterRollback();
  // Known before the run: the plan resolves the list before it locks anything.
  if (runbook.rotates)
    checkStrings({ rotates: runbook.rotates }, [], runbook, { earlier: new Map(), inForEach: false }, fail);
  checkRotates(runbook, actions, fail);
}

function checkActionStep(
  step: ActionStep,
  path: PropertyKey[],
  runbook: Runbook,
  actions: ActionRegistry,
  scope: Scope,
  fail: Fail,
): ActionDefinition {
  const action = actions.get(step.do);
  if (!action) {
    const guess = closest(step.do, [...actions.keys()]);
    fail(
      `unknown action "${step.do}"`,
      [...path, 'do'],
      guess
        ? `did you mean "${guess}"? \`rotor actions\` lists them all`
        : '`rotor actions` lists the actions',
    );
  }
  const shape = (action.params as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  for (const key of Object.keys(step.with)) {
    // Own keys only: `in` would accept constructor, toString, __proto__ from Object.prototype.
    if (!Object.hasOwn(shape, key)) {
      const guess = closest(key, Object.keys(shape));
      fail(
        `${step.do} has no parameter "${key}"`,
        [...path, 'with'],
        guess ? `did you mean "${guess}"?` : `its parameters: ${Object.keys(shape).join(', ')}`,
        key,
      );
    }
  }
  for (const [key, schema] of Object.entries(shape)) {
    if (!(key in step.with) && !schema.safeParse(undefined).success) {
      fail(
        `${step.do} needs the parameter "${key}"`,
        [...path, step.with && Object.keys(step.with).length ? 'with' : 'do'],
        `add it under "with:"`,
      );
    }
  }
  checkStrings(
    { with: step.with, when: step.when, title: step.title, confirm: step.confirm },
    path,
    runbook,
    scope,
    fail,
  );
  return action;
}

function checkStrings(
  values: Record<string, unknown>,
  stepPath: PropertyKey[],
  runbook: Runbook,
  scope: Scope,
  fail: Fail,
): void {
  for (const [text, rel] of stringsIn(values)) {
    const at = [...stepPath, ...rel];
    for (const source of expressionsIn(text)) {
      let ref;
      try {
        ref = parseExpression(source).ref;
      } catch (error) {
        fail((error as Error).message, at);
      }
      if (ref.root === 'inputs') {
        const name = ref.path[0];
        if (!name || !Object.hasOwn(runbook.inputs, name)) {
          const guess = name ? closest(name, Object.keys(runbook.inputs)) : undefined;
          fail(
            `unknown input in {{ ${ref.text} }}`,
            at,
            guess
              ? `did you mean inputs.${guess}? Inputs are declared under "inputs:"`
              : 'declare it under "inputs:"',
          );
        }
      } else if (ref.root === 'steps') {
        const [id, output] = ref.path;
        const producer = id ? scope.earlier.get(id) : undefined;
        if (!producer) {
          fail(
            `{{ ${ref.text} }} refers to no earlier step`,
            at,
            `a step can use the outputs of steps before it; earlier steps: ${[...scope.earlier.keys()].join(', ') || 'none'}`,
          );
        }
        if (!output || !producer.outputs.includes(output)) {
          fail(
            `step "${id}" (${producer.id}) has no output "${output ?? ''}"`,
            at,
            `its outputs: ${producer.outputs.join(', ') || 'none'}`,
          );
        }
      } else if (ref.root === 'item' && !scope.inForEach) {
        fail(`{{ ${ref.text} }} is only available inside a parallel group with for_each`, at);
      } else if (ref.root === 'env' && ref.path.length !== 1) {
        fail(`{{ ${ref.text} }}: write {{ env.NAME }}`, at);
      }
    }
  }
}

/** `required_when:` names another declared input in one of the condition forms. */
function checkRequiredWhen(name: string, text: string, runbook: Runbook, fail: Fail): void {
  const at = ['inputs', name, 'required_when'];
  const condition = parseRequiredWhen(text);
  if (!condition)
    fail(
      `input ${name}: required_when "${text}" is not a condition`,
      at,
      'write an input name ("kubernetes"), "not kubernetes", "mode == acl" or "mode != acl"',
    );
  if (condition.input === name) fail(`input ${name}: required_when cannot depend on the input itself`, at);
  if (!Object.hasOwn(runbook.inputs, condition.input)) {
    const guess = closest(condition.input, Object.keys(runbook.inputs));
    fail(
      `input ${name}: required_when names no input "${condition.input}"`,
      at,
      guess ? `did you mean "${guess}"?` : 'name an input declared under "inputs:"',
    );
  }
}
