import { Text, useInput, useStdin, type Key } from 'ink';
import { useCallback, useRef } from 'react';
import { editText } from './text-edit.js';

/** A one-line text entry; with `mask` it shows one • per character and never the value. */
export interface TextFieldProps {
  value: string;
  onChange: (value: string) => void;
  onSubmit: (value: string) => void;
  onCancel?: () => void;
  mask?: boolean;
  /** Only the focused field listens to keys. */
  focus: boolean;
  placeholder?: string;
}

export function TextField({
  value,
  onChange,
  onSubmit,
  onCancel,
  mask = false,
  focus,
  placeholder,
}: TextFieldProps) {
  const { isRawModeSupported } = useStdin();
  // The handler may run twice before the parent re-renders with the new value.
  const latest = useRef(value);
  latest.current = value;
  // One stable listener that calls this render's handler: Ink subscribes in an effect, after the
  // frame is on screen, so a listener replaced per render (or per field) leaves a gap in which a
  // key typed at once, right after the next field appears, is lost.
  const handle = useRef<(input: string, key: Key) => void>(undefined);
  handle.current = (input, key) => {
    const edit = editText(latest.current, { ...key, input });
    if ('submit' in edit) onSubmit(edit.submit);
    else if ('cancel' in edit) onCancel?.();
    else if (edit.value !== latest.current) {
      latest.current = edit.value;
      onChange(edit.value);
    }
  };
  const listener = useCallback((input: string, key: Key) => handle.current?.(input, key), []);
  useInput(listener, { isActive: isRawModeSupported && focus });
  const shown = mask ? '•'.repeat(value.length) : value;
  return (
    <Text>
      {shown}
      {focus ? '▌' : ''}
      {shown === '' && placeholder ? <Text dimColor> {placeholder}</Text> : null}
    </Text>
  );
}
