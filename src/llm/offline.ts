/**
 * The offline adapter: no model, no network, deterministic. It answers by quoting the passages
 * that answer the question (extract.ts `quoteAnswer`: the best-ranked ones and those whose
 * sentences, table rows and list steps the question's words chose, part by part), and says
 * plainly when it does not know.
 */
import { isAnswer } from '../knowledge/search';
import { quoteAnswer } from './extract';
import type { GenerateRequest, GenerateResult, LlmAdapter } from './types';

/** What may follow a greeting or a thanks and keep it small talk: "hello again", "thanks a lot", "hola a todos". */
const END_OF_SMALL_TALK = String.raw`(?:\s+(?:again|there|team|everyone|all|so much|a lot|very much|a todos|de nuevo|à tous|an alle|allemaal|a tutti|semua)){0,2}[\s!?.,:)]*$`;

type SmallTalk = 'greeting' | 'thanks' | 'bye' | 'ok';

/**
 * Small talk by language: the phrases (a message of one or more of them, "hola, buenos días", is
 * small talk) and the reply in the same language. English first: "hallo" is answered in German,
 * "ok" in English.
 */
const SMALL_TALK_BY_LANGUAGE: Array<{ language: string; phrases: Record<SmallTalk, string>; replies: Record<SmallTalk, string> }> = [
  {
    language: 'en',
    phrases: {
      greeting: 'hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)',
      thanks: 'thanks|thank you|thx|ty|cheers|many thanks|great,? thanks|ok,? thanks',
      bye: 'bye|goodbye|see you|have a (?:nice|good) day',
      ok: 'ok|okay|great|perfect|cool|got it|alright|understood',
    },
    replies: {
      greeting: 'Hello! How can I help you today?',
      thanks: "You're welcome! Is there anything else I can help with?",
      bye: 'Goodbye, and have a nice day!',
      ok: 'Glad that helps. Anything else I can do for you?',
    },
  },
  {
    language: 'es',
    phrases: {
      greeting: 'hola|buenas|buen(?:os)? d[ií]as?|buenas (?:tardes|noches)',
      thanks: '(?:muchas |mil )?gracias',
      bye: 'adi[oó]s|hasta (?:luego|pronto)|chao|nos vemos',
      ok: 'vale|perfecto|genial|entendido|de acuerdo',
    },
    replies: {
      greeting: '¡Hola! ¿En qué puedo ayudarte hoy?',
      thanks: '¡De nada! ¿Puedo ayudarte en algo más?',
      bye: '¡Adiós, que tengas un buen día!',
      ok: 'Me alegro de que te sirva. ¿Algo más en lo que pueda ayudarte?',
    },
  },
  {
    language: 'pt',
    phrases: {
      greeting: 'ol[aá]|oi|bom dia|boa (?:tarde|noite)',
      thanks: '(?:muito )?obrigad[oa]|valeu',
      bye: 'tchau|at[eé] (?:logo|mais)',
      ok: 'beleza|perfeito|entendi|certo',
    },
    replies: {
      greeting: 'Olá! Como posso ajudar hoje?',
      thanks: 'De nada! Posso ajudar em mais alguma coisa?',
      bye: 'Tchau, tenha um ótimo dia!',
      ok: 'Que bom que ajudou. Posso ajudar em mais alguma coisa?',
    },
  },
  {
    language: 'fr',
    phrases: {
      greeting: 'bonjour|salut|bonsoir|coucou',
      thanks: 'merci(?: beaucoup| bien)?',
      bye: 'au revoir|[aà] bient[oô]t|bonne (?:journ[ée]e|soir[ée]e)',
      ok: "d'accord|parfait|super|compris|entendu",
    },
    replies: {
      greeting: 'Bonjour ! Comment puis-je vous aider ?',
      thanks: 'Je vous en prie ! Puis-je vous aider pour autre chose ?',
      bye: 'Au revoir et bonne journée !',
      ok: 'Ravi que cela vous aide. Puis-je faire autre chose pour vous ?',
    },
  },
  {
    language: 'de',
    phrases: {
      greeting: 'hallo|guten (?:tag|morgen|abend)|servus|moin|gr[üu](?:ß|ss) gott',
      thanks: 'danke(?: sch[öo]n| sehr)?|dankesch[öo]n|vielen dank',
      bye: 'tsch[üu]ss?|auf wiedersehen|bis bald',
      ok: 'alles klar|perfekt|verstanden|in ordnung',
    },
    replies: {
      greeting: 'Hallo! Wie kann ich Ihnen heute helfen?',
      thanks: 'Gern geschehen! Kann ich sonst noch helfen?',
      bye: 'Auf Wiedersehen und einen schönen Tag!',
      ok: 'Schön, dass es hilft. Kann ich sonst noch etwas für Sie tun?',
    },
  },
  {
    language: 'it',
    phrases: {
      greeting: 'ciao|buongiorno|buonasera|salve',
      thanks: 'grazie(?: mille)?',
      bye: 'arrivederci|a presto',
      ok: 'va bene|perfetto|capito',
    },
    replies: {
      greeting: 'Ciao! Come posso aiutarti oggi?',
      thanks: 'Prego! Posso aiutarti in altro?',
      bye: 'Arrivederci e buona giornata!',
      ok: 'Bene, mi fa piacere che ti sia utile. Posso fare altro per te?',
    },
  },
  {
    language: 'nl',
    phrases: {
      greeting: 'hoi|goedemorgen|goedemiddag|goedenavond',
      thanks: 'bedankt|dank (?:je|u)(?: wel)?',
      bye: 'doei|tot ziens',
      ok: 'prima|begrepen',
    },
    replies: {
      greeting: 'Hallo! Waarmee kan ik je helpen?',
      thanks: 'Graag gedaan! Kan ik je nog ergens mee helpen?',
      bye: 'Tot ziens en een fijne dag!',
      ok: 'Fijn dat het helpt. Kan ik nog iets voor je doen?',
    },
  },
  {
    language: 'id',
    phrases: {
      greeting: 'halo|hai|selamat (?:pagi|siang|sore|malam)',
      thanks: 'terima kasih|makasih|trims',
      bye: 'sampai jumpa|dadah',
      ok: 'oke|siap|mengerti',
    },
    replies: {
      greeting: 'Halo! Ada yang bisa saya bantu hari ini?',
      thanks: 'Sama-sama! Ada lagi yang bisa saya bantu?',
      bye: 'Sampai jumpa, semoga hari Anda menyenangkan!',
      ok: 'Senang bisa membantu. Ada lagi yang bisa saya bantu?',
    },
  },
];

/** Which reply a message of several phrases gets: "thanks, bye" is a goodbye, "hi, thanks" a thanks. */
const PRECEDENCE: readonly SmallTalk[] = ['bye', 'thanks', 'greeting', 'ok'];
const KINDS: readonly SmallTalk[] = ['greeting', 'thanks', 'bye', 'ok'];
/** "ok" is said in every language: "ok gracias" is Spanish small talk. */
const ANYWHERE = 'ok|okay';

const phrase = (alternatives: string) => String.raw`(?:${alternatives})(?![\p{L}\p{N}])`;

/** Per language: a message made only of its phrases (one or more), and each kind's phrases to tell which reply. */
const SMALL_TALK = SMALL_TALK_BY_LANGUAGE.map(({ language, phrases, replies }) => {
  const all = phrase([...KINDS.map((k) => phrases[k]), ANYWHERE].join('|'));
  return {
    language,
    replies,
    whole: new RegExp(String.raw`^[\s¡¿]*${all}(?:[\s,.!]+${all})*` + END_OF_SMALL_TALK, 'iu'),
    kinds: KINDS.map((kind) => ({
      kind,
      pattern: new RegExp(String.raw`(?<![\p{L}\p{N}])${phrase(kind === 'ok' ? `${phrases.ok}|${ANYWHERE}` : phrases[kind])}`, 'iu'),
    })),
  };
});

/** The reply to one line that is only small talk, in its language (English first), or undefined. */
function smallTalkLine(line: string): string | undefined {
  for (const talk of SMALL_TALK) {
    if (!talk.whole.test(line)) continue;
    const said = new Set(talk.kinds.filter((k) => k.pattern.test(line)).map((k) => k.kind));
    const kind = PRECEDENCE.find((k) => said.has(k)) ?? 'ok';
    return talk.replies[kind];
  }
  return undefined;
}

/**
 * The reply to a message that is only small talk, in its language, or undefined when it asks for
 * something. A burst of lines ("hello" / "hello?") is small talk when every line is; the last one is answered.
 */
export function smallTalkReply(text: string): string | undefined {
  const lines = text.split(/\n+/).filter((line) => line.trim() !== '');
  const replies = lines.map(smallTalkLine);
  return replies.length > 0 && replies.every((r) => r !== undefined) ? replies.at(-1) : undefined;
}
const STOPWORDS = new Set(
  'a an and are as at be but by can do does for from how i if in is it me my of on or so that the this to was what when where which who why will with you your'.split(
    ' ',
  ),
);

export const NOT_FOUND_REPLY = "Thanks for your message. I couldn't find an answer to that in our help articles, so I can't say for sure.";
export const UNREADABLE_REPLY = "Thanks for your message. I can't read this kind of message yet; could you send it as text?";
export const GREETING_REPLY = SMALL_TALK_BY_LANGUAGE[0]!.replies.greeting;

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
