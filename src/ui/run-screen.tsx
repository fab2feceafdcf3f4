import { Box, Text, useInput, useStdin } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { describeError } from '../errors.js';
import type { Secret } from '../engine/secret.js';
import type { Answer, DecisionRequest } from '../engine/types.js';
import type { SessionHandle } from '../session/types.js';
import { isActive } from './marks.js';
import type { PromptStore } from './prompt-store.js';
import { RunLive } from './run-live.js';
import { Scrollback } from './scrollback.js';
import { useTick } from './spinner.js';
import { Summary } from './summary.js';
import { useSessionView } from './use-session-view.js';
import { useTerminalSize } from './use-terminal-size.js';
import { tone } from './tone.js';

/** A started session on screen, from its first event to the dismissed summary. */
export interface RunScreenProps {
  handle: SessionHandle;
  decisions: PromptStore<DecisionRequest, Answer>;
  secrets: PromptStore<string, Secret>;
  protectedEnvironment: boolean;
  onExit: (exitCode: number) => void;
}

export function RunScreen({ handle, decisions, secrets, protectedEnvironment, onExit }: RunScreenProps) {
  const state = useSessionView(handle);
  const decision = useSyncExternalStore(decisions.subscribe, decisions.current);
  const secret = useSyncExternalStore(secrets.subscribe, secrets.current);
  const [interruptPending, setInterruptPending] = useState(false);
  const [crash, setCrash] = useState<string>();
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize();
  const ended = state.outcome !== undefined || crash !== undefined;
  const running = !ended && Object.values(state.steps).some((s) => isActive(s.status));
  const tick = useTick(running);

  useEffect(() => {
    handle.done.catch((error: unknown) => setCrash(describeError(error)));
  }, [handle]);
  useEffect(() => {
    if (decision?.request.kind === 'interrupt') setInterruptPending(false);
  }, [decision]);
  useEffect(() => {
    if (!ended) return;
    decisions.clear();
    secrets.clear();
  }, [ended, decisions, secrets]);
  useInput(
    (input, key) => {
      const ctrlC = key.ctrl && input === 'c';
      if (crash !== undefined) {
        if (ctrlC || key.return || input === 'q') onExit(3);
        return;
      }
      if (!ctrlC) return;
      setInterruptPending(true);
      handle.interrupt();
    },
    { isActive: isRawModeSupported && state.outcome === undefined },
  );

  return (
    <Box flexDirection="column">
      <Scrollback state={state} />
      {state.outcome ? (
        <Summary
          state={state}
          outcome={state.outcome}
          journalPath={handle.journalPath}
          sessionId={handle.sessionId}
          width={columns}
          rows={rows}
          onExit={onExit}
        />
      ) : crash !== undefined ? (
        <Box flexDirection="column">
          <Text color={tone('red')}>{`✘ The session stopped unexpectedly: ${crash}`}</Text>
          <Text>Check the systems: a step may have been left half-done.</Text>
          <Text>{`Journal: ${handle.journalPath}`}</Text>
          <Text dimColor>Enter or q to exit (exit code 3)</Text>
        </Box>
      ) : (
        <RunLive
          state={state}
          decision={decision}
          secret={secret}
          interruptPending={interruptPending}
          protectedEnvironment={protectedEnvironment}
          width={columns}
          rows={rows}
          tick={tick}
          now={Date.now()}
        />
      )}
    </Box>
  );
}
