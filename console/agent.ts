/** Who is at the keyboard: the name in the top bar, recorded with every decision, claim and flag, remembered for the tab. */
import { $ } from './dom';

export const AGENT = 'agent-console.agent';

/**
 * The agent's name, remembered for the tab; when the field is empty, `complain` is told (with what
 * the name is for) and the field focused, and the answer is undefined.
 */
export function agentName(complain: (text: string) => void, recordedWith: string): string | undefined {
  const input = $<HTMLInputElement>('agent-name');
  const agent = input.value.trim();
  if (!agent) {
    complain(`Enter your name at the top first: ${recordedWith}.`);
    input.focus();
    return undefined;
  }
  sessionStorage.setItem(AGENT, agent);
  return agent;
}
