import { useInput, useStdin } from 'ink';

/** Esc goes back a screen, when there is one to go back to. */
export function useEscape(onBack: (() => void) | undefined): void {
  const { isRawModeSupported } = useStdin();
  useInput((_, key) => key.escape && onBack?.(), { isActive: isRawModeSupported && onBack !== undefined });
}
