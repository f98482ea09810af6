/**
 * What inject_profile puts in front of the model: the namespace's system prompt, who the
 * customer is, the channel's scope, and the conversation so far (a bounded window, with a
 * one-line summary of what came before). Pure functions over stored rows.
 */
import type { NamespaceConfig } from '../namespaces/config';
import type { ConversationTurn } from '../llm/types';

export interface StoredMessage {
  direction: 'inbound' | 'outbound';
  text: string | null;
  createdAt: Date;
}

export interface ProfileInput {
  config: NamespaceConfig;
  channel: string;
  contact: { name?: string; locale?: string };
}

/** The system prompt the model sees: the namespace's own, then the profile and the channel's scope. */
export function buildSystemPrompt({ config, channel, contact }: ProfileInput, summary?: string): string {
  const lines = [config.systemPrompt.trim(), ''];
  const who = [contact.name ? `name ${contact.name}` : undefined, `channel ${channel}`, contact.locale ? `locale ${contact.locale}` : undefined]
    .filter(Boolean)
    .join(', ');
  lines.push(`The customer: ${who}. Answer in the customer's language.`);
  const scope = config.channelScopes[channel as keyof NamespaceConfig['channelScopes']];
  if (scope && scope.length > 0) {
    lines.push(
      `On ${channel} you only handle these topics: ${scope.join(', ')}. ` +
        'If the customer asks about anything else, say politely that you can only help with those here, ' +
        'and suggest they contact us through our other channels for the rest.',
    );
  }
  if (summary) lines.push(`Earlier in this conversation: ${summary}`);
  return lines.join('\n');
}

/** A one-line summary of messages older than the window: how many, since when, what was asked. */
export function summarizeEarlier(older: StoredMessage[]): string | undefined {
  if (older.length === 0) return undefined;
  const asked = older
    .filter((m) => m.direction === 'inbound' && m.text)
    .slice(-3)
    .map((m) => `"${firstWords(m.text!, 8)}"`);
  const since = older[0]!.createdAt.toISOString().slice(0, 10);
  return `${older.length} earlier message(s) since ${since}${asked.length > 0 ? `; the customer asked ${asked.join(', ')}` : ''}.`;
}

function firstWords(text: string, count: number): string {
  const words = text.trim().split(/\s+/);
  return words.length > count ? `${words.slice(0, count).join(' ')}…` : words.join(' ');
}

/**
 * The conversation before this message, split into the turns the model reads and the
 * customer's messages since our last reply (a burst), which belong to the question itself.
 */
export function splitHistory(earlier: StoredMessage[]): { turns: ConversationTurn[]; unanswered: string[] } {
  let lastReply = -1;
  earlier.forEach((m, i) => {
    if (m.direction === 'outbound') lastReply = i;
  });
  const turns = earlier
    .slice(0, lastReply + 1)
    .filter((m) => m.text)
    .map((m): ConversationTurn => ({ role: m.direction === 'inbound' ? 'customer' : 'assistant', text: m.text! }));
  const unanswered = earlier
    .slice(lastReply + 1)
    .filter((m) => m.direction === 'inbound' && m.text)
    .map((m) => m.text!);
  return { turns, unanswered };
}
