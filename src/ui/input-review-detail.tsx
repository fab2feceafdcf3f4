import { Box, Text } from 'ink';
import { describeRequiredWhen, parseRequiredWhen } from '../runbook/required-when.js';
import type { InputSpec } from './input-review-model.js';
import type { ReviewState } from './input-review-state.js';
import { tone } from './tone.js';

/** Lines the detail area always takes, so the list above never jumps. */
export const DETAIL_LINES = 3;

function notes(spec: InputSpec): string {
  const condition = spec.requiredWhen ? parseRequiredWhen(spec.requiredWhen) : undefined;
  return [
    spec.secret ? 'secret: never shown' : undefined,
    spec.required && spec.default === undefined ? 'required' : undefined,
    condition ? `required when ${describeRequiredWhen(condition)}` : undefined,
    spec.pattern ? `pattern ${spec.pattern}` : undefined,
    spec.choices ? `one of ${spec.choices.join(', ')}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

function EditLine({ spec, editing }: { spec: InputSpec; editing: NonNullable<ReviewState['editing']> }) {
  if (spec.choices)
    return (
      <Text wrap="truncate-end">
        <Text bold>{`  ${spec.name}: `}</Text>
        {spec.choices.map((c, i) => (
          <Text key={c} color={tone(i === editing.choice ? 'cyan' : undefined)} bold={i === editing.choice}>
            {i === editing.choice ? `[${c}] ` : ` ${c}  `}
          </Text>
        ))}
      </Text>
    );
  const shown = spec.secret ? '•'.repeat(editing.draft.length) : editing.draft;
  return (
    <Text wrap="truncate-start">
      <Text bold>{`  ${spec.name}: `}</Text>
      {`${shown}▌`}
    </Text>
  );
}

/**
 * Three lines under the list about the input under the cursor: what it is, its rules, and what
 * is wrong with it; while editing, the line being typed replaces the description.
 */
export function InputDetail({
  spec,
  state,
  problem,
}: {
  spec: InputSpec;
  state: ReviewState;
  problem?: string;
}) {
  // While editing, the notice line already says why the input was opened: show its rules here.
  const error = state.editing ? state.editing.error : problem;
  return (
    <Box flexDirection="column" height={DETAIL_LINES}>
      {state.editing ? (
        <EditLine spec={spec} editing={state.editing} />
      ) : (
        <Text wrap="truncate-end">{`  ${spec.describe ?? spec.name}`}</Text>
      )}
      <Text
        dimColor
        wrap="truncate-end"
      >{`  ${(state.editing ? spec.describe : undefined) ?? notes(spec)}`}</Text>
      {error ? (
        <Text color={tone('red')} wrap="truncate-end">{`  ✘ ${error}`}</Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {state.editing ? `  ${notes(spec)}` : ' '}
        </Text>
      )}
    </Box>
  );
}
