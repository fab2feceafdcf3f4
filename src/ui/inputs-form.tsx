import { Box, Text, useInput, useStdin, type Key } from 'ink';
import SelectInput from 'ink-select-input';
import { useCallback, useRef, useState } from 'react';
import { MASK } from '../engine/secret.js';
import type { RunbookInfo } from '../session/types.js';
import { describeRequiredWhen, parseRequiredWhen } from '../runbook/required-when.js';
import { checkInput } from './input-check.js';
import { editText } from './text-edit.js';
import { tone } from './tone.js';
import { Item, Pointer } from './select-parts.js';

type InputSpec = RunbookInfo['inputs'][number];

/** The runbook's inputs not given on the command line, asked one at a time. */
export interface InputsFormProps {
  runbook: RunbookInfo;
  fields: InputSpec[];
  /** Every non-empty answer; empty ones are left out so the runbook's defaults apply. */
  onDone: (values: Record<string, string>) => void;
  /** Esc on the first field. */
  onBack: () => void;
  /** Inputs given on the command line, which `required_when` conditions may read. */
  given?: Record<string, unknown>;
}

function firstDrafts(fields: InputSpec[]): Record<string, string> {
  // Secret defaults are not shown, not even masked: an empty answer keeps them.
  return Object.fromEntries(
    fields.map((f) => [f.name, f.secret || f.default === undefined ? '' : String(f.default)]),
  );
}

function shownValue(field: InputSpec, value: string): string {
  if (value === '')
    return field.default !== undefined
      ? field.secret
        ? '(default)'
        : `${field.default} (default)`
      : '(empty)';
  return field.secret ? MASK : value;
}

function Explain({ field }: { field: InputSpec }) {
  const notes = [
    field.secret ? 'secret: typed characters are hidden' : undefined,
    field.pattern ? `pattern ${field.pattern}` : undefined,
    field.secret && field.default !== undefined ? 'leave empty for the default' : undefined,
    field.required && field.default === undefined ? 'required' : undefined,
    field.requiredWhen ? requiredWhenNote(field.requiredWhen) : undefined,
  ].filter(Boolean);
  return (
    <>
      {field.describe ? (
        <Box paddingLeft={4}>
          <Text wrap="wrap">{field.describe}</Text>
        </Box>
      ) : null}
      {notes.length > 0 ? <Text dimColor wrap="truncate-end">{`    ${notes.join(' · ')}`}</Text> : null}
    </>
  );
}

function requiredWhenNote(text: string): string | undefined {
  const condition = parseRequiredWhen(text);
  return condition && `required when ${describeRequiredWhen(condition)}`;
}

/** Every input's value as it stands: defaults, then the command line, then the answers so far. */
function currentValues(
  runbook: RunbookInfo,
  given: Record<string, unknown>,
  drafts: Record<string, string>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const input of runbook.inputs) if (input.default !== undefined) values[input.name] = input.default;
  Object.assign(values, given);
  for (const [name, draft] of Object.entries(drafts)) if (draft !== '') values[name] = draft;
  return values;
}

export function InputsForm({ runbook, fields, onDone, onBack, given = {} }: InputsFormProps) {
  const { isRawModeSupported } = useStdin();
  const [index, setIndexState] = useState(0);
  const [drafts, setDraftsState] = useState(() => firstDrafts(fields));
  const [error, setError] = useState<string>();
  // Keys can come faster than React re-renders (a quick typist, a loaded machine): each must act
  // on the field the previous key moved to, so the handlers read these refs, not the last render.
  const at = useRef({ index: 0, drafts });
  const setIndex = (i: number) => setIndexState((at.current.index = i));
  const setDrafts = (update: (d: Record<string, string>) => Record<string, string>) =>
    setDraftsState((at.current.drafts = update(at.current.drafts)));
  const field = fields[index];

  const previous = () => {
    setError(undefined);
    if (at.current.index === 0) onBack();
    else setIndex(at.current.index - 1);
  };
  const submit = (value: string) => {
    const current = fields[at.current.index];
    if (!current) return; // the last field was already submitted
    const values = (drafts: Record<string, string>) => currentValues(runbook, given, drafts);
    const problem = checkInput(current, value, values({ ...at.current.drafts, [current.name]: value }));
    setError(problem);
    if (problem) return;
    setDrafts((d) => ({ ...d, [current.name]: value }));
    if (at.current.index + 1 < fields.length) setIndex(at.current.index + 1);
    else {
      // A later answer can make an earlier field required (kubernetes=true needs external_secret):
      // go back to the first field that is now missing instead of starting a run that will refuse.
      const final = at.current.drafts;
      const missing = fields.findIndex((f) => checkInput(f, final[f.name], values(final)) !== undefined);
      if (missing >= 0) {
        setIndex(missing);
        setError(checkInput(fields[missing], final[fields[missing].name], values(final)));
        return;
      }
      at.current.index = fields.length;
      onDone(Object.fromEntries(Object.entries(at.current.drafts).filter(([, v]) => v !== '')));
    }
  };
  // One listener for the whole form, subscribed once: Ink subscribes in an effect, after a frame
  // is on screen, so a listener per field would leave a gap in which a key typed right after the
  // next field appears is lost. It reads `at`, so it always acts on the field now asked.
  const handle = useRef<(input: string, key: Key) => void>(undefined);
  handle.current = (input, key) => {
    const current = fields[at.current.index];
    if (!current) return;
    if (current.choices) return void (key.escape && previous()); // the list takes the other keys
    const draft = at.current.drafts[current.name];
    const edit = editText(draft, { ...key, input });
    if ('submit' in edit) submit(edit.submit);
    else if ('cancel' in edit) previous();
    else if (edit.value !== draft) {
      setError(undefined);
      setDrafts((d) => ({ ...d, [current.name]: edit.value }));
    }
  };
  const listener = useCallback((input: string, key: Key) => handle.current?.(input, key), []);
  useInput(listener, { isActive: isRawModeSupported });

  if (!field) return null;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Inputs</Text> for {runbook.title} ({index + 1} of {fields.length})
      </Text>
      {fields.map((f, i) =>
        i === index ? (
          <Box key={f.name} flexDirection="column">
            <Text>
              <Text color={tone('cyan')}>{'› '}</Text>
              <Text bold>{f.name}</Text>
              {f.choices ? null : ': '}
              {f.choices ? null : (
                <Text>{`${f.secret ? '•'.repeat(drafts[f.name].length) : drafts[f.name]}▌`}</Text>
              )}
            </Text>
            <Explain field={f} />
            {f.choices ? (
              <Box paddingLeft={4}>
                <SelectInput
                  indicatorComponent={Pointer}
                  itemComponent={Item}
                  items={f.choices.map((c) => ({ label: c, value: c }))}
                  // Back on a list after an answer: start on that answer, not the default.
                  initialIndex={Math.max(0, f.choices.indexOf(drafts[f.name] || String(f.default ?? '')))}
                  onSelect={(item) => submit(item.value)}
                />
              </Box>
            ) : null}
            {error ? (
              <Box paddingLeft={4}>
                <Text color={tone('red')} wrap="wrap">{`✘ ${error}`}</Text>
              </Box>
            ) : null}
          </Box>
        ) : (
          <Text key={f.name} dimColor={i > index} wrap="truncate-end">
            {i < index ? `  ✔ ${f.name} = ${shownValue(f, drafts[f.name])}` : `  ○ ${f.name}`}
          </Text>
        ),
      )}
      <Text dimColor>
        {field.choices
          ? '↑/↓ move · Enter choose · Esc back · Ctrl+C quit'
          : 'Enter accept · Esc back · Ctrl+C quit'}
      </Text>
    </Box>
  );
}
