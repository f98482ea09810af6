/**
 * Prompt-injection detection for customer messages: pure, deterministic, no model.
 *
 * The message is normalised first (see `views`): Unicode compatibility forms, accents,
 * zero-width characters and Cyrillic/Greek look-alikes are folded; letters spaced or dotted
 * apart ("i g n o r e", "i.g.n.o.r.e") are joined; leetspeak ("1gn0r3") is decoded; words
 * split by hyphens ("ig-nore") are tried both ways. The rules then run over every view, and
 * the strongest ones also over the text reversed, ROT13-decoded, and over any base64 blob
 * that decodes to readable text.
 *
 * Each rule has a weight in 0..1; the score is the noisy-OR of the rules that fired
 * (1 − Π(1 − w)), and a message is an injection when the score reaches 0.5. Strong, specific
 * patterns ("ignore all previous instructions", "<|im_start|>", "reveal your system prompt")
 * weigh ≥ 0.5 on their own; weak hints ("system:" at a line start, "developer mode",
 * "without restrictions", a mixed-script word) only count together.
 *
 * Languages: English, German, Spanish, French, Portuguese, Italian, Dutch. The word lists
 * are pooled, so mixed-language attacks match too.
 *
 * Look-alikes that stay harmless, by design: the customer's own earlier messages or
 * instructions ("ignore my previous message", "vergiss meine Anweisungen"), questions about
 * instructions on a topic ("what are your instructions for returning an item?"), "act as"
 * with an ordinary role ("act as a gift wrapper"), "system requirements", "previous order".
 */
import { injectionProbability } from './classifier';
import { MODEL } from './classifier-model';
import { LAYER_MARKER_RULES, LAYER_WORD_RULES } from './injection-layers';
import { MARKER_RULES as CORE_MARKER_RULES, SQUASHED_RULES, WORD_RULES as CORE_WORD_RULES, type Rule } from './injection-rules';

const WORD_RULES: Rule[] = [...CORE_WORD_RULES, ...LAYER_WORD_RULES];
const MARKER_RULES: Rule[] = [...CORE_MARKER_RULES, ...LAYER_MARKER_RULES];
const STRONG_RULES = WORD_RULES.filter((r) => r.decoded);
import { fold, stripInvisible } from './normalize';

export interface InjectionResult {
  detected: boolean;
  /** Noisy-OR of the weights of the rules that fired, 0..1 (3 decimals). */
  score: number;
  /** One entry per rule that fired: `rule-id: "matched text"`. */
  matches: string[];
}

/** The score from which a message counts as an injection. */
export const INJECTION_THRESHOLD = 0.5;

const MAX_SNIPPET = 80;

// ---------------------------------------------------------------------------------------------
// Views of the text

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '9': 'g', '@': 'a', $: 's', '|': 'i', '!': 'i', '€': 'e' };
const LEET_CHARS = /[0134579@$|!€]/;

function deleet(text: string, one: 'i' | 'l'): string {
  return text.replace(/\S+/g, (token) => {
    const lead = /^[("'[{<«“‘]*/.exec(token)?.[0] ?? '';
    const trail = /[.,;:!?)"'\]}>»”’]*$/.exec(token.slice(lead.length))?.[0] ?? '';
    const core = token.slice(lead.length, token.length - trail.length);
    if (!/^[\p{L}0134579@$|!€]+$/u.test(core) || !/\p{L}/u.test(core) || !LEET_CHARS.test(core)) return token;
    const mapped = [...core].map((c) => (c === '1' ? one : (LEET[c] ?? c))).join('');
    return lead + mapped + trail;
  });
}

/** Letters separated by exactly one space, dot, dash, underscore or star: "i g n o r e", "i.g.n.o.r.e". */
const SPACED_LETTERS = /(?<![\p{L}\p{N}])(?:[\p{L}\p{N}][ ._*\-·]){3,}[\p{L}\p{N}](?![\p{L}\p{N}])/gu;

const toWords = (text: string) => text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const withoutInnerSeparators = (text: string) => text.replace(/(?<=[\p{L}\p{N}])[-_.*·'’]+(?=[\p{L}\p{N}])/gu, '');

interface Views {
  /** Case kept, invisible characters gone: for base64 and the all-caps DAN. */
  raw: string;
  /** Folded, punctuation and newlines kept. */
  marker: string;
  /** Folded word views: spaced, joined, with leetspeak decoded. */
  words: string[];
  /** Letter-spaced runs squashed together. */
  squashed: string[];
  /** The longest run of letters spaced apart, in letters. */
  spacedRun: number;
}

/** Letters split by one repeated separator ("I|g|n|o|r|e", "i/g/n/o/r/e", "i+g+n"): the separator taken out. */
const LETTER_SEPARATORS = ['|', '/', '+', '~', '^', ',', ';', '•', '‧'].map((sep) => {
  const esc = sep.replace(/[|/+^]/g, '\\$&');
  return {
    between: new RegExp(`(?<=[\\p{L}\\p{N} ])${esc}(?=[\\p{L}\\p{N} ])`, 'gu'),
    run: new RegExp(`[\\p{L}\\p{N}]${esc}[\\p{L}\\p{N}]${esc}[\\p{L}\\p{N}]${esc}[\\p{L}\\p{N}]`, 'u'),
  };
});

function withoutLetterSeparators(text: string): string | undefined {
  for (const { between, run } of LETTER_SEPARATORS) {
    if (run.test(text) && (text.match(between)?.length ?? 0) >= 6) return text.replace(between, '');
  }
  return undefined;
}

function views(text: string): Views {
  const raw = stripInvisible(text);
  const marker = fold(text);
  const squashed: string[] = [];
  let spacedRun = 0;
  const joined = marker.replace(SPACED_LETTERS, (run) => {
    const letters = run.replace(/[ ._*\-·]/g, '');
    spacedRun = Math.max(spacedRun, letters.length);
    squashed.push(deleet(letters, 'i'), deleet(letters, 'l'));
    return letters;
  });
  const words = new Set<string>();
  const unseparated = withoutLetterSeparators(marker);
  for (const base of unseparated ? [joined, unseparated] : [joined]) {
    for (const one of ['i', 'l'] as const) {
      const plain = deleet(base, one);
      words.add(toWords(plain));
      words.add(toWords(withoutInnerSeparators(plain)));
    }
  }
  return { raw, marker, words: [...words].filter(Boolean), squashed: [...new Set(squashed)], spacedRun };
}

const rot13 = (text: string) => text.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + 13) % 26) + 97));
const reverse = (text: string) => [...text].reverse().join('');

// ---------------------------------------------------------------------------------------------
// Base64

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeBase64(blob: string): string | undefined {
  const clean = blob.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (clean.length % 4 === 1) return undefined;
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of clean) {
    const value = B64.indexOf(c);
    if (value < 0) return undefined;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return readableText(new Uint8Array(bytes));
}

/** Hex bytes ("41 6e 61", "416e61", "\\x41\\x6e") as text, when they read as text. */
function decodeHex(blob: string): string | undefined {
  const pairs = blob.replace(/\\x/g, '').match(/[0-9a-fA-F]{2}/g) ?? [];
  return readableText(new Uint8Array(pairs.map((p) => parseInt(p, 16))));
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function decodeBase32(blob: string): string | undefined {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of blob.replace(/=+$/, '')) {
    const value = B32.indexOf(c);
    if (value < 0) return undefined;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return readableText(new Uint8Array(bytes));
}

const MORSE: Record<string, string> = {
  '.-': 'a',
  '-...': 'b',
  '-.-.': 'c',
  '-..': 'd',
  '.': 'e',
  '..-.': 'f',
  '--.': 'g',
  '....': 'h',
  '..': 'i',
  '.---': 'j',
  '-.-': 'k',
  '.-..': 'l',
  '--': 'm',
  '-.': 'n',
  '---': 'o',
  '.--.': 'p',
  '--.-': 'q',
  '.-.': 'r',
  '...': 's',
  '-': 't',
  '..-': 'u',
  '...-': 'v',
  '.--': 'w',
  '-..-': 'x',
  '-.--': 'y',
  '--..': 'z',
  '-----': '0',
  '.----': '1',
  '..---': '2',
  '...--': '3',
  '....-': '4',
  '.....': '5',
  '-....': '6',
  '--...': '7',
  '---..': '8',
  '----.': '9',
};

/** Morse code (".. --. -. --- .-. . / ..."): words split by "/", letters by spaces. */
function decodeMorse(text: string): string | undefined {
  const run = text.match(/(?:[.\-]{1,6}(?:\s*\/\s*|\s+|$))+/g)?.sort((a, b) => b.length - a.length)[0];
  if (!run) return undefined;
  const decoded = run
    .trim()
    .split(/\s*\/\s*/)
    .map((word) =>
      word
        .split(/\s+/)
        .map((code) => MORSE[code] ?? '')
        .join(''),
    )
    .join(' ')
    .trim();
  return decoded.length >= 8 && /\s/.test(decoded) ? decoded : undefined;
}

/** Bytes as UTF-8 text, when they are that and read as words: at least 8 characters, 90% readable, a space. */
function readableText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const readable = [...text].filter((c) => /[\p{L}\p{N}\p{P}\p{Zs}\n]/u.test(c)).length;
    return text.length >= 8 && readable / text.length >= 0.9 && /\s/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Letters spaced apart from this many on count as hiding words. */
const SPACED_RUN = 12;

// ---------------------------------------------------------------------------------------------

interface Hit {
  id: string;
  weight: number;
  snippet: string;
}

const snippet = (text: string) => (text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET - 1)}…` : text).trim();

function runRules(rules: Rule[], texts: string[], label?: string): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rules) {
    for (const text of texts) {
      const match = rule.pattern.exec(text);
      if (!match) continue;
      const weak = rule.unless?.test(text) ?? false;
      hits.push({
        id: label ? `${rule.id} (${label})` : rule.id,
        weight: weak ? (rule.weakWeight ?? 0) : rule.weight,
        snippet: snippet(match[0]),
      });
      break;
    }
  }
  return hits;
}

function collect(text: string, depth: number): Hit[] {
  const v = views(text);
  const strong = STRONG_RULES;
  const hits = [...runRules(WORD_RULES, v.words), ...runRules(MARKER_RULES, [v.marker]), ...runRules(SQUASHED_RULES, v.squashed, 'letters spaced out')];
  const main = v.words[0] ?? '';
  // Reversed text only for the strong rules; ROT13 for all: nobody writes ROT13 by accident.
  hits.push(...runRules(strong, [reverse(main)], 'reversed'), ...runRules(WORD_RULES, [rot13(main)], 'rot13'));

  // The all-caps persona "DAN", not the name Dan: everything but DAN lowercased, then matched case-sensitively.
  const danText = v.raw.replace(/[A-Za-z']+/g, (w) => (w === 'DAN' ? w : w.toLowerCase()));
  const dan = /\b(?:as|are|called|named|be|become|you're|mode:?)\s+DAN\b|\bDAN\s+(?:mode|can|has|is|will)\b/.exec(danText);
  if (dan) hits.push({ id: 'persona_dan', weight: 0.6, snippet: snippet(dan[0]) });
  else if (/(?<![A-Za-z])DAN(?![A-Za-z])/.test(v.raw)) hits.push({ id: 'persona_dan', weight: 0.35, snippet: 'DAN' });
  if (/\p{L}[\u200B-\u200F\u2060-\u2064\uFEFF\u00AD]+\p{L}/u.test(text)) {
    hits.push({ id: 'hidden_characters', weight: 0.2, snippet: 'zero-width characters inside words' });
  }
  const mixed = /\S*(?:\p{Script=Latin}\S*[\p{Script=Cyrillic}\p{Script=Greek}]|[\p{Script=Cyrillic}\p{Script=Greek}]\S*\p{Script=Latin})\S*/u.exec(
    text.normalize('NFKC'),
  );
  if (mixed) hits.push({ id: 'mixed_script', weight: 0.2, snippet: snippet(mixed[0]) });

  // A long run of letters spaced apart hides words from every reader but a model.
  if (v.spacedRun >= SPACED_RUN) hits.push({ id: 'letters_spaced', weight: 0.5, snippet: `${v.spacedRun} letters spaced apart` });

  if (depth === 0) {
    const blobs = (v.raw.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []).slice(0, 5);
    const hex = (v.raw.match(/(?:\b[0-9a-fA-F]{2}(?:[\s,:]+|$)){8,}|\b(?:[0-9a-fA-F]{2}){8,}\b|(?:\\x[0-9a-fA-F]{2}){8,}/g) ?? []).slice(0, 5);
    const base32 = (v.raw.match(/\b[A-Z2-7]{16,}={0,6}/g) ?? []).slice(0, 5);
    const morse = /(?:[.\-]{1,6}[ /]+){8,}/.test(v.raw) ? [v.raw] : [];
    const decodedTexts = [
      ...blobs.map((b) => ({ how: 'base64', text: decodeBase64(b) })),
      ...base32.map((b) => ({ how: 'base32', text: decodeBase32(b) })),
      ...hex.map((h) => ({ how: 'hex', text: decodeHex(h) })),
      ...morse.map((m) => ({ how: 'morse', text: decodeMorse(m) })),
    ];
    for (const { how, text: decoded } of decodedTexts) {
      if (decoded === undefined) continue;
      // Text hidden in base64 is suspect already: any real signal inside is enough.
      const inner = score(collect(decoded, depth + 1));
      if (inner >= 0.3) {
        hits.push({ id: 'encoded_payload', weight: 0.9, snippet: `${how} of "${snippet(decoded)}"` });
      } else {
        hits.push({ id: 'encoded_text', weight: 0.3, snippet: `${how} of "${snippet(decoded)}"` });
      }
    }
  }
  return hits;
}

/** One hit per rule id (the heaviest), then noisy-OR. */
function dedupe(hits: Hit[]): Hit[] {
  const best = new Map<string, Hit>();
  for (const hit of hits) {
    const key = hit.id.replace(/ \(.*\)$/, '');
    const seen = best.get(key);
    if (!seen || hit.weight > seen.weight) best.set(key, hit);
  }
  return [...best.values()].filter((h) => h.weight > 0);
}

function score(hits: Hit[]): number {
  const kept = dedupe(hits);
  const none = kept.reduce((p, h) => p * (1 - h.weight), 1);
  return Math.round((1 - none) * 1000) / 1000;
}

/**
 * `classifier: false` leaves out the light classifier (./classifier): the rule layers alone, as
 * the benchmark compares.
 */
export function detectInjection(text: string, options: { classifier?: boolean } = {}): InjectionResult {
  const found = collect(text, 0);
  if (options.classifier !== false) {
    const p = injectionProbability(text);
    const weight = p >= MODEL.high ? 0.5 : p >= MODEL.low ? 0.3 : 0;
    if (weight > 0) found.push({ id: 'classifier', weight, snippet: `probability ${p.toFixed(2)}` });
  }
  const hits = dedupe(found);
  const s = score(hits);
  return {
    detected: s >= INJECTION_THRESHOLD,
    score: s,
    matches: hits.map((h) => `${h.id}: "${h.snippet}"`),
  };
}
