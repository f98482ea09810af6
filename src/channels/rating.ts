/**
 * The customer's rating of a conversation (CSAT), as it travels on the channels. The question goes
 * out with five choices where the channel has buttons (Telegram inline keyboard, Slack buttons,
 * a WhatsApp list); a tap comes back carrying the choice's id, `csat:<survey id>:<score>`, which
 * the channel parsers read into InboundMessage.rating. A customer may also just type the number:
 * parseRatingText reads "4", "4/5", "٤", "４" or "⭐⭐⭐⭐" (src/api/ingest.ts decides whether a
 * survey is waiting for it).
 */

/** One button of an outbound message: `id` comes back on the tap, `title` is what the customer sees. */
export interface Choice {
  id: string;
  title: string;
  /** A longer line under the title where the channel shows one (a WhatsApp list row). */
  description?: string;
}

/** What the customer answered with: the survey (when a button named it) and the score 1-5. */
export interface RatingReply {
  surveyId?: string;
  score: number;
}

export const MIN_SCORE = 1;
export const MAX_SCORE = 5;

const CHOICE_ID = /^csat:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([1-5])$/i;

/** The five choices of a survey, lowest first; `labels` are what 1 to 5 mean. */
export function ratingChoices(surveyId: string, labels: readonly string[]): Choice[] {
  return Array.from({ length: MAX_SCORE }, (_, i) => ({
    id: `csat:${surveyId}:${i + 1}`,
    title: String(i + 1),
    ...(labels[i] ? { description: labels[i] } : {}),
  }));
}

/** The rating a tapped choice id carries; undefined for any other id. */
export function parseRatingChoice(id: string | undefined): RatingReply | undefined {
  const match = id ? CHOICE_ID.exec(id) : null;
  return match ? { surveyId: match[1]!.toLowerCase(), score: Number(match[2]) } : undefined;
}

/** The zero of each decimal digit run a typed score may use: ASCII, Arabic-Indic, Persian, Devanagari, Bengali, Thai. */
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50];
const STARS = /^(?:(?:⭐|🌟|★)\uFE0F?){1,5}$/u;

function digitValue(ch: string): number | undefined {
  const cp = ch.codePointAt(0)!;
  for (const zero of DIGIT_ZEROS) if (cp >= zero && cp <= zero + 9) return cp - zero;
  return undefined;
}

/**
 * A message that is only a score: one digit 1-5 in any common script (full-width forms fold to
 * ASCII), optionally "/5", "out of 5", a keycap (4️⃣) or a trailing period; or one to five stars.
 * Anything longer ("2 more questions") is not a rating.
 */
export function parseRatingText(text: string): number | undefined {
  const t = text.normalize('NFKC').trim().toLowerCase();
  if (!t) return undefined;
  if (STARS.test(t.replace(/\s+/g, ''))) return [...t.replace(/\s+|\uFE0F/g, '')].length;
  const match = /^(\p{Nd})(?:\uFE0F?\u20E3)?\s*(?:(?:\/|out of|of|sur|von|de|su|uit|dari)\s*(\p{Nd}))?\s*[.!]?$/u.exec(t);
  if (!match) return undefined;
  const score = digitValue(match[1]!);
  if (match[2] !== undefined && digitValue(match[2]) !== MAX_SCORE) return undefined;
  return score !== undefined && score >= MIN_SCORE && score <= MAX_SCORE ? score : undefined;
}
