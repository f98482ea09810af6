/**
 * The offline adapter: no model, no network, deterministic. It answers by quoting the passages
 * that answer the question (extract.ts `quoteAnswer`: the best-ranked ones and those whose
 * sentences, table rows and list steps the question's words chose, part by part), and says
 * plainly when it does not know.
 */
import { isAnswer } from '../knowledge/search';
import { quoteAnswer } from './extract';
import type { GenerateRequest, GenerateResult, LlmAdapter } from './types';

const END_OF_SMALL_TALK = String.raw`(?:\s+(?:again|there|team|everyone|all|so much|a lot|very much))?[\s!?.,:)]*$`;
/** A message that is only a greeting: "hi", "hello again", "good morning!". */
export const GREETING = new RegExp(String.raw`^\s*(?:hi|hello|hey|hiya|hola|hallo|bonjour|good (?:morning|afternoon|evening))\b` + END_OF_SMALL_TALK, 'i');
/** Small talk that needs no knowledge, each with its reply; greetings first. */
const SMALL_TALK: { pattern: RegExp; reply: string }[] = [
  { pattern: GREETING, reply: 'Hello! How can I help you today?' },
  {
    pattern: new RegExp(String.raw`^\s*(?:thanks|thank you|thx|ty|cheers|many thanks|great,? thanks|ok,? thanks)\b` + END_OF_SMALL_TALK, 'i'),
    reply: "You're welcome! Is there anything else I can help with?",
  },
  { pattern: new RegExp(String.raw`^\s*(?:bye|goodbye|see you|have a (?:nice|good) day)\b` + END_OF_SMALL_TALK, 'i'), reply: 'Goodbye, and have a nice day!' },
  {
    pattern: new RegExp(String.raw`^\s*(?:ok|okay|great|perfect|cool|got it|alright|understood)\b` + END_OF_SMALL_TALK, 'i'),
    reply: 'Glad that helps. Anything else I can do for you?',
  },
];

/**
 * The reply to a message that is only small talk, or undefined when it asks for something.
 * A burst of lines ("hello" / "hello?") is small talk when every line is; the last one is answered.
 */
export function smallTalkReply(text: string): string | undefined {
  const lines = text.split(/\n+/).filter((line) => line.trim() !== '');
  const replies = lines.map((line) => SMALL_TALK.find((s) => s.pattern.test(line))?.reply);
  return replies.length > 0 && replies.every((r) => r !== undefined) ? replies.at(-1) : undefined;
}
const STOPWORDS = new Set(
  'a an and are as at be but by can do does for from how i if in is it me my of on or so that the this to was what when where which who why will with you your'.split(
    ' ',
  ),
);

export const NOT_FOUND_REPLY = "Thanks for your message. I couldn't find an answer to that in our help articles, so I can't say for sure.";
export const UNREADABLE_REPLY = "Thanks for your message. I can't read this kind of message yet; could you send it as text?";
export const GREETING_REPLY = SMALL_TALK[0]!.reply;

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
      const smallTalk = smallTalkReply(question);
      if (smallTalk) return done(smallTalk, 1);

      // Only answers are answered from; related passages (under the relevance floor) are not.
      const answers = request.passages.flatMap((p, index) => (isAnswer(p) ? [{ p, index }] : []));
      const answer = quoteAnswer(
        question,
        answers.map((a) => a.p),
      );
      if (!answer.text) return done(NOT_FOUND_REPLY, 0.2);
      return done(
        answer.text,
        0.5 + answer.coverage / 2,
        answer.citations.map((c) => answers[c]!.index),
      );
    },
  };
}
