import { Box, Text, useInput, useStdin } from 'ink';
import SelectInput from 'ink-select-input';
import { useState } from 'react';
import { MASK } from '../engine/secret.js';
import type { RunbookInfo } from '../session/types.js';
import { checkInput } from './input-check.js';
import { TextField } from './text-field.js';
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
}

function firstDrafts(fields: InputSpec[]): Record<string, string> {
  // Secret defaults are not shown, not even masked: an empty answer keeps them.
  return Object.fromEntries(fields.map((f) => [f.name, f.secret || f.default === undefined ? '' : String(f.default)]));
}

function shownValue(field: InputSpec, value: string): string {
  if (value === '') return field.default !== undefined ? (field.secret ? '(default)' : `${field.default} (default)`) : '(empty)';
  return field.secret ? MASK : value;
}

function Explain({ field }: { field: InputSpec }) {
  const notes = [
    field.secret ? 'secret: typed characters are hidden' : undefined,
    field.pattern ? `pattern ${field.pattern}` : undefined,
    field.secret && field.default !== undefined ? 'leave empty for the default' : undefined,
    field.required && field.default === undefined ? 'required' : undefined,
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

export function InputsForm({ runbook, fields, onDone, onBack }: InputsFormProps) {
  const { isRawModeSupported } = useStdin();
  const [index, setIndex] = useState(0);
  const [drafts, setDrafts] = useState(() => firstDrafts(fields));
  const [error, setError] = useState<string>();
  const field = fields[index];

  const previous = () => {
    setError(undefined);
    if (index === 0) onBack();
    else setIndex(index - 1);
  };
  const submit = (value: string) => {
    const problem = checkInput(field, value);
    setError(problem);
    if (problem) return;
    const next = { ...drafts, [field.name]: value };
    setDrafts(next);
    if (index + 1 < fields.length) setIndex(index + 1);
    else onDone(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '')));
  };
  // A choice list has no text field to catch Esc.
  useInput((_, key) => key.escape && previous(), { isActive: isRawModeSupported && field?.choices !== undefined });

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
                <TextField
                  value={drafts[f.name]}
                  mask={f.secret}
                  focus
                  onChange={(v) => {
                    setError(undefined);
                    setDrafts((d) => ({ ...d, [f.name]: v }));
                  }}
                  onSubmit={submit}
                  onCancel={previous}
                />
              )}
            </Text>
            <Explain field={f} />
            {f.choices ? (
              <Box paddingLeft={4}>
                <SelectInput indicatorComponent={Pointer} itemComponent={Item} items={f.choices.map((c) => ({ label: c, value: c }))} initialIndex={Math.max(0, f.choices.indexOf(String(f.default ?? '')))} onSelect={(item) => submit(item.value)} />
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
      <Text dimColor>{field.choices ? '↑/↓ move · Enter choose · Esc back · Ctrl+C quit' : 'Enter accept · Esc back · Ctrl+C quit'}</Text>
    </Box>
  );
}
