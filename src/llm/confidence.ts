/**
 * How sure we are that a model's reply answers the customer, read from the reply alone (the
 * model is asked nothing extra). The rule, first match wins:
 *
 *   empty reply                                            0
 *   says it does not know, cites no passage                0.2   (like the offline "not found")
 *   says it does not know, cites passages (partial answer) 0.5
 *   cites at least one passage                             0.85
 *   cites nothing; the message is a greeting or an opener  0.7   (nothing to ground)
 *   cites nothing otherwise (an ungrounded answer)         0.4
 *
 * "Does not know" is recognised by phrases in English and a few common languages; a reply in
 * another language that admits ignorance without citing still lands at 0.4 (ungrounded).
 */
import { smallTalkReply } from './offline';
import type { InboundContent } from './types';

export const CONFIDENCE = {
  empty: 0,
  unknown: 0.2,
  partial: 0.5,
  cited: 0.85,
  smallTalk: 0.7,
  ungrounded: 0.4,
} as const;

const DOES_NOT_KNOW = [
  // English
  "(?:i|we) (?:do not|don't|dont) (?:know|have (?:that|this|any|enough|the|specific) (?:information|info|details))",
  "(?:i|we) (?:could not|couldn't|cannot|can't|can not|am unable to|was unable to|are unable to) (?:find|answer|say|confirm|tell)",
  "(?:i'm|i am) not sure",
  'no information (?:about|on|regarding)',
  "(?:isn't|is not|aren't|are not) (?:mentioned|covered|included|specified) in",
  "(?:passages|articles|documents|knowledge base|information provided|context) (?:do not|don't|does not|doesn't) (?:contain|mention|cover|say|include)",
  // Spanish, Portuguese, French, German, Italian
  'no (?:lo )?sé',
  'no tengo (?:esa |suficiente )?información',
  'não sei',
  'não tenho (?:essa )?informação',
  'je ne sais pas',
  "je n'ai pas (?:cette |d'|l')information",
  'weiß ich nicht',
  'ich weiß (?:es )?nicht',
  'keine informationen?',
  'non lo so',
  'non ho (?:questa |informazioni)',
];
const DOES_NOT_KNOW_RE = new RegExp(`(?<!\\p{L})(?:${DOES_NOT_KNOW.join('|')})(?!\\p{L})`, 'iu');

/** The reply admits it has no answer. Typographic apostrophes count as plain ones. */
export function saysItDoesNotKnow(text: string): boolean {
  return DOES_NOT_KNOW_RE.test(text.replace(/[\u2018\u2019]/g, "'"));
}

/** A message with nothing to look up: a greeting, thanks, goodbye, or a conversation opened without text. */
export function isSmallTalk(message: InboundContent): boolean {
  return message.kind === 'request_welcome' || smallTalkReply(message.text) !== undefined;
}

export function estimateConfidence(reply: { text: string; citations: number[]; message: InboundContent }): number {
  if (reply.text.trim() === '') return CONFIDENCE.empty;
  const cites = reply.citations.length > 0;
  if (saysItDoesNotKnow(reply.text)) return cites ? CONFIDENCE.partial : CONFIDENCE.unknown;
  if (cites) return CONFIDENCE.cited;
  return isSmallTalk(reply.message) ? CONFIDENCE.smallTalk : CONFIDENCE.ungrounded;
}
