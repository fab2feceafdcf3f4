import { Box, Text } from 'ink';
import type { Secret } from '../engine/secret.js';
import type { Decision, DecisionRequest } from '../engine/types.js';
import type { ViewState } from '../engine/view-state.js';
import { ApprovalPrompt } from './approval-prompt.js';
import { PropagationPanel } from './propagation-panel.js';
import { propagationChain } from './propagation.js';
import { isActive } from './marks.js';
import type { PendingPrompt } from './prompt-store.js';
import { SecretPrompt } from './secret-prompt.js';
import { StepDetail } from './step-detail.js';
import { StepList } from './step-list.js';
import { tone } from './tone.js';

/** Everything the live area shows; it never grows past `rows` lines, so Ink redraws it in place. */
export interface RunLiveProps {
  state: ViewState;
  decision?: PendingPrompt<DecisionRequest, Decision>;
  secret?: PendingPrompt<string, Secret>;
  /** Ctrl+C was pressed and the engine has not asked yet (it waits for a safe point). */
  interruptPending: boolean;
  protectedEnvironment: boolean;
  width: number;
  rows: number;
  tick: number;
  now: number;
}

function Header({ state, protectedEnvironment }: Pick<RunLiveProps, 'state' | 'protectedEnvironment'>) {
  const plan = state.plan;
  return (
    <Text wrap="truncate-end">
      <Text bold>rotor</Text> · {plan?.title ?? 'starting…'}
      {plan ? ` · ${plan.environment}` : ''}
      {plan?.drill ? (
        <Text color={tone('cyan')} bold>
          {' [DRILL]'}
        </Text>
      ) : null}
      {protectedEnvironment ? (
        <Text color={tone('red')} bold>
          {' [PROTECTED]'}
        </Text>
      ) : null}
      {state.rollingBack ? (
        <Text color={tone('magenta')} bold>
          {' [ROLLING BACK]'}
        </Text>
      ) : null}
    </Text>
  );
}

function footer(props: RunLiveProps): string {
  if (props.decision?.request.kind === 'interrupt')
    return 'The run is paused: nothing more happens until you choose.';
  if (props.interruptPending || props.state.interrupted)
    return '■ Ctrl+C received: stopping at the next safe point, when the running step ends…';
  return 'Ctrl+C: stop at the next safe point';
}

/**
 * The run screen's live part: header, the step list folded to fit, then either the pending
 * prompt or the current step's detail, and a footer line. Rows are shared out so that a prompt
 * gets room for what the step will change, and a running step for its output.
 */
export function RunLive(props: RunLiveProps) {
  const { state, decision, secret, width, rows, tick, now } = props;
  const chain = propagationChain(state).length > 0;
  const room = Math.max(8, rows - 4 - (chain ? 1 : 0)); // header, chain, rule, footer, and one spare line
  const prompting = decision !== undefined || secret !== undefined;
  // While a step runs the spinner redraws the live area several times a second: keep it short
  // (the full history is in the scrollback above). A prompt does not redraw, so it may be taller.
  const listRows = Math.min(
    state.order.length,
    prompting ? Math.max(3, Math.floor(room / 3)) : Math.max(3, Math.min(7, room - 6)),
  );
  const blockRows = prompting ? room - listRows : Math.min(6, room - listRows);
  const current = state.current ? state.steps[state.current] : undefined;
  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} protectedEnvironment={props.protectedEnvironment} />
      {chain ? <PropagationPanel state={state} /> : null}
      <StepList state={state} rows={listRows} tick={tick} now={now} />
      <Text dimColor>{'─'.repeat(Math.max(0, width))}</Text>
      {decision ? (
        <ApprovalPrompt key={decision.id} prompt={decision} width={width} rows={blockRows} />
      ) : secret ? (
        <SecretPrompt key={secret.id} prompt={secret} />
      ) : current && isActive(current.status) ? (
        <StepDetail state={state} stepId={current.id} width={width} rows={blockRows} tick={tick} />
      ) : null}
      <Text dimColor wrap="truncate-end">
        {footer(props)}
      </Text>
    </Box>
  );
}
