import { z } from 'zod';
import { parseDuration } from './duration.js';

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'use lower-case letters, digits, "-" and "_", starting with a letter');

const duration = z
  .union([z.string(), z.number()])
  .refine((v) => parseDuration(v) !== undefined, 'a duration such as "30s", "5m", "1h" or "500ms"');

/** One input an operator supplies (`--set name=value`, the TUI, or a policy). */
export const inputSchema = z
  .object({
    describe: z.string().optional().describe('What the value is, shown when asking for it'),
    default: z.union([z.string(), z.number(), z.boolean()]).optional().describe('Used when nothing is given'),
    required: z.boolean().optional().describe('Defaults to true when there is no default'),
    required_when: z
      .string()
      .optional()
      .describe(
        'Required only under a condition on another input: "kubernetes" (true), "not kubernetes", "mode == acl", "mode != acl"',
      ),
    secret: z
      .boolean()
      .default(false)
      .describe('Masked on entry, never passed on the command line, hashed in the journal'),
    pattern: z.string().optional().describe('A regular expression the whole value must match'),
    choices: z.array(z.string()).optional().describe('The only values allowed'),
  })
  .strict();

const baseStep = {
  id: identifier.describe('Unique within the runbook; later steps refer to {{ steps.<id>.<output> }}'),
  title: z.string().optional(),
  phase: z
    .enum(['checklist', 'backup', 'rotate', 'sync', 'restart', 'verify', 'revoke', 'notify'])
    .optional()
    .describe('The guide phase this step belongs to'),
  when: z
    .string()
    .optional()
    .describe('Template; the step is skipped when it resolves to false, no, 0 or empty'),
  retries: z.number().int().min(0).max(20).default(0),
  retry_delay: duration.default('1s').describe('First delay between attempts; doubles each time'),
  timeout: duration.optional(),
  confirm: z.string().optional().describe('Text the operator must type before this dangerous step runs'),
  hint: z
    .string()
    .optional()
    .describe('What to do when this step fails for good (e.g. "roll back with …"), shown under its error'),
};

/** A step that runs one action. */
export const actionStepSchema = z
  .object({
    ...baseStep,
    do: z.string().describe('The action, <system>.<verb>'),
    with: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** A group whose steps run concurrently after one approval (the emergency procedure's phases). */
export const groupStepSchema = z
  .object({
    ...baseStep,
    parallel: z
      .object({
        // A number, or a template ({{ inputs.concurrency }}) resolved when the plan is built.
        concurrency: z
          .union([
            z.number().int().min(1).max(256),
            z.string().regex(/\{\{.*\}\}/, 'a number, or a {{ inputs.x }} reference'),
          ])
          .default(4),
        for_each: z
          .string()
          .optional()
          .describe(
            'Template giving a list (or comma-separated text): the steps run once per item, as {{ item }}',
          ),
        steps: z.array(actionStepSchema).min(1),
      })
      .strict(),
  })
  .strict();

export const stepSchema = z.union([actionStepSchema, groupStepSchema]);

export const runbookSchema = z
  .object({
    id: identifier,
    title: z.string().min(1),
    description: z.string().optional(),
    inputs: z.record(identifier, inputSchema).default({}),
    rotates: z
      .array(z.string())
      .optional()
      .describe(
        'The KV v2 secrets a run rotates, as templates over inputs ("{{ inputs.secret_path }}", or a comma-separated list input): locks, history and notifications use this list. [] for a runbook that rotates none',
      ),
    checklist: z.array(z.string()).default([]).describe('Pre-rotation checklist, ticked item by item'),
    steps: z.array(stepSchema).min(1),
    after_rollback: z
      .array(actionStepSchema)
      .default([])
      .describe(
        'Steps run after a rollback undid something (re-sync, restart, re-verify), so the old value reaches the consumers again',
      ),
    on_failure: z
      .enum(['rollback', 'stop', 'ask'])
      .default('rollback')
      .describe(
        'rollback: undo completed steps in reverse order; stop: leave as is; ask: the operator decides',
      ),
  })
  .strict();

export type RunbookInput = z.infer<typeof inputSchema>;
export type ActionStep = z.infer<typeof actionStepSchema>;
export type GroupStep = z.infer<typeof groupStepSchema>;
export type RunbookStep = z.infer<typeof stepSchema>;
export type Runbook = z.infer<typeof runbookSchema>;

export function isGroupStep(step: RunbookStep): step is GroupStep {
  return 'parallel' in step;
}
