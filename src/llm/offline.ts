/**
 * The offline adapter: no model, no network, deterministic. It answers with the most
 * relevant sentences of the best passages, and says plainly when it does not know.
 */
import type { GenerateRequest, GenerateResult, LlmAdapter } from './types';

export const GREETING = /^\s*(hi|hello|hey|hola|good (morning|afternoon|evening))\b[\s!.,]*$/i;
const STOPWORDS = new Set(
  'a an and are as at be but by can do does for from how i if in is it me my of on or so that the this to was what when where which who why will with you your'.split(' '),
);

export const NOT_FOUND_REPLY =
  "Thanks for your message. I couldn't find an answer to that in our help articles, so I can't say for sure.";
export const UNREADABLE_REPLY =
  "Thanks for your message. I can't read this kind of message yet; could you send it as text?";
export const GREETING_REPLY = 'Hello! How can I help you today?';

/** A message with nothing to read: a file without a caption, a type we cannot read yet. */
export function emptyMessageReply(message: GenerateRequest['message']): string {
  if (message.kind === 'request_welcome') return GREETING_REPLY;
  const file = message.attachments[0];
  if (file) {
    return `Thanks for the ${file.type}. I can't look at files like that yet; could you tell me in a message what you need?`;
  }
  return UNREADABLE_REPLY;
}

export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w));
}

const tokens = (text: string) => Math.ceil(text.length / 4);

export function createOfflineAdapter(): LlmAdapter {
  return {
    kind: 'offline',
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const { text: question } = request.message;
      const prompt = [request.systemPrompt, question, ...request.passages.map((p) => p.text)].join('\n');
      const done = (text: string, confidence: number, citations: number[] = []): GenerateResult => ({
        text,
        citations,
        confidence,
        model: 'offline-extractive',
        usage: { promptTokens: tokens(prompt), completionTokens: tokens(text) },
      });

      if (question.trim() === '') return done(emptyMessageReply(request.message), 1);
      if (GREETING.test(question)) return done(GREETING_REPLY, 1);

      const asked = new Set(words(question));
      const scored = request.passages.flatMap((passage, index) =>
        passage.text
          .split(/(?<=[.!?])\s+|\n+/)
          .map((sentence) => sentence.trim())
          .filter((sentence) => sentence.length > 0)
          .map((sentence, order) => {
            const overlap = new Set(words(sentence).filter((w) => asked.has(w))).size;
            return { sentence, index, order, overlap };
          }),
      );
      const best = scored
        .filter((s) => s.overlap > 0)
        .sort((a, b) => b.overlap - a.overlap || a.index - b.index || a.order - b.order)
        .slice(0, 2);
      if (best.length === 0 || asked.size === 0) return done(NOT_FOUND_REPLY, 0.2);

      const coverage = Math.min(1, (best[0]?.overlap ?? 0) / Math.max(1, Math.min(asked.size, 4)));
      const citations = [...new Set(best.map((s) => s.index))];
      const text = best
        .sort((a, b) => a.index - b.index || a.order - b.order)
        .map((s) => s.sentence)
        .join(' ');
      return done(text, 0.5 + coverage / 2, citations);
    },
  };
}
