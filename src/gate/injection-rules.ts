/**
 * The prompt-injection rules. Each has a weight in 0..1: strong, specific patterns weigh
 * ≥ 0.5 and detect on their own; weak hints only count together (see ./injection).
 *
 * - WORD_RULES run over the word views: folded text, punctuation as single spaces.
 * - MARKER_RULES run over the folded text with punctuation and newlines kept (role markers).
 * - SQUASHED_RULES run over letter-spaced runs joined without spaces ("ignoreallprevious…").
 */
import {
  ABOVE,
  ACTIVATE,
  ACT_AS,
  AI_NOUNS,
  ARTICLE,
  DELIVERY_WORDS,
  DEVICES,
  EVERYTHING,
  EVERYTHING_BEFORE,
  FOLLOW_UP,
  FROM_NOW_ON_YOU,
  NAMED,
  NEW_INSTRUCTIONS,
  NOT_AN_ORDER,
  NOT_MINE_AFTER,
  NO_LIMITS,
  OVERRIDE_VERBS,
  PERSONAS,
  PRETEND,
  PREVIOUS,
  QUALIFIERS_AFTER,
  QUALIFIERS_BEFORE,
  QUESTION_WORDS,
  REPEAT_VERBS,
  REVEAL_VERBS,
  SECRETS,
  SECRET_ADJECTIVES,
  SPECIAL_MODES,
  STORES,
  TARGETS,
  TEXT_OBJECTS,
  TEXT_STRICT,
  TOPIC_WORDS,
  UNBOUND,
  WHOLE,
  YOUR,
  YOUR_THINGS,
  YOU_ARE_NOW,
  anyWords,
  otherWords,
} from './injection-words';
import { END, START } from './normalize';

export interface Rule {
  id: string;
  weight: number;
  pattern: RegExp;
  /** Strong enough to also try on the text reversed and ROT13-decoded. */
  decoded?: boolean;
  /** When this also matches the view, the match only counts `weakWeight` (0 = not at all). */
  unless?: RegExp;
  weakWeight?: number;
}

const re = (source: string) => new RegExp(source, 'u');

/** Rules over the word views: folded, punctuation as single spaces. */
export const WORD_RULES: Rule[] = [
  {
    id: 'ignore_instructions',
    weight: 0.9,
    decoded: true,
    pattern: re(`${NOT_AN_ORDER}${START}${OVERRIDE_VERBS} ${otherWords(3)}${QUALIFIERS_BEFORE} ${otherWords(3)}${TARGETS}${END}${NOT_MINE_AFTER}`),
  },
  {
    id: 'ignore_instructions',
    weight: 0.9,
    decoded: true,
    pattern: re(`${NOT_AN_ORDER}${START}${OVERRIDE_VERBS} ${otherWords(3)}${TARGETS} ${anyWords(2)}${QUALIFIERS_AFTER}${END}`),
  },
  {
    id: 'forget_everything',
    weight: 0.85,
    decoded: true,
    pattern: re(`${NOT_AN_ORDER}${START}${OVERRIDE_VERBS} ${EVERYTHING} ${otherWords(5)}${EVERYTHING_BEFORE}${END}`),
  },
  {
    id: 'instructions_void',
    weight: 0.85,
    decoded: true,
    pattern: re(
      `${START}(?:your|the|all|any|deine|die|tus|las|tes|les|vos|suas|as|le tue|le|je|de) ${anyWords(2)}${TARGETS} (?:are|is|have been|were|sind|wurden|son|han sido|quedan|sont|ont ete|sao|foram|sono|sono state|zijn|werden) (?:now |hereby |ab sofort |jetzt |ahora |desormais |maintenant |agora |ora |adesso |nu |hiermee )?(?:void|cancelled|canceled|invalid|null|obsolete|overridden|revoked|no longer valid|no longer apply|replaced|suspended|deprecated|lifted|disabled|ungultig|aufgehoben|nichtig|anuladas|invalidas|canceladas|annulees|caduques|nulles|invalides|annullate|non valide|nulle|ongeldig|vervallen|ingetrokken)${END}`,
    ),
  },
  {
    id: 'roleplay',
    weight: 0.3,
    pattern: re(
      `${START}(?:let s|lets|let us) (?:play a game|roleplay|role play|play pretend)${END}|${START}you are (?:a|an|the) (?:ai|assistant|chatbot|bot|language model|llm)${END}|${START}(?:you|it|dan) can do anything${END}`,
    ),
  },
  {
    id: 'imagine_you',
    weight: 0.3,
    pattern: re(
      `${START}(?:imagine|suppose|let s say|hypothetically|in a world where|stell dir vor|angenommen|imagina|supongamos|imaginons|suppose|supondo|immagina|supponi|stel je voor|stel dat)(?: that| dass| que| che| dat)? (?:you|du|tu|vous|voce|je|jij|eres|sei)${END}`,
    ),
  },
  {
    id: 'ignore_above_and',
    weight: 0.9,
    decoded: true,
    pattern: re(
      `${NOT_AN_ORDER}${START}${OVERRIDE_VERBS} (?:(?:all|everything|the|that|this|of) ){0,3}(?:above|previous|prior|before|that|this|oben|arriba|ci dessus|acima|sopra|hierboven)(?: (?:text|message|content|instructions|prompt))? (?:and|then|now|instead|und|y|et|e|en)(?: (?:instead|now|just|only|stattdessen|en cambio|plutot|invece|em vez disso|in plaats daarvan))? ${FOLLOW_UP}${END}`,
    ),
  },
  {
    id: 'ignore_above',
    weight: 0.4,
    pattern: re(`${NOT_AN_ORDER}${START}${OVERRIDE_VERBS} (?:all of |everything |the )?(?:above|everything above|all above)${END}`),
  },
  {
    id: 'reveal_secret',
    weight: 0.9,
    decoded: true,
    pattern: re(`${START}(?:${REVEAL_VERBS}|${QUESTION_WORDS}) ${anyWords(6)}${SECRETS}${END}`),
  },
  {
    id: 'reveal_own_instructions',
    weight: 0.75,
    decoded: true,
    pattern: re(
      `${START}${REVEAL_VERBS} ${anyWords(6)}${YOUR} (?:${SECRET_ADJECTIVES} )?${YOUR_THINGS}(?: ${SECRET_ADJECTIVES})?${END}(?! ${TOPIC_WORDS}${END})`,
    ),
  },
  {
    id: 'reveal_own_instructions',
    weight: 0.75,
    decoded: true,
    pattern: re(`${START}${QUESTION_WORDS} ${YOUR} ${SECRET_ADJECTIVES} ${YOUR_THINGS}${END}(?! ${TOPIC_WORDS}${END})`),
  },
  {
    id: 'reveal_own_instructions',
    weight: 0.75,
    decoded: true,
    pattern: re(
      `${START}(?:instructions|rules|prompt|guidelines) (?:were you|have you been|you were|you have been|you ve been|did you get|did they give you) (?:given|told|programmed|trained|set up)${END}`,
    ),
  },
  {
    id: 'reveal_own_instructions',
    weight: 0.6,
    pattern: re(
      `${START}(?:your|the) (?:developers?|creators?|programmers?|makers?|owners?|operators?) (?:told|tell|instructed|instruct|asked|ask|programmed|trained|configured|say to) you${END}`,
    ),
  },
  {
    id: 'reveal_own_instructions',
    weight: 0.75,
    decoded: true,
    pattern: re(
      `${START}${REVEAL_VERBS} ${anyWords(3)}${YOUR_THINGS} (?:that |which )?(?:were given to you|were you given|you were given|you have been given|you ve been given|you received|you got|given to you|you were told|they gave you|you were programmed with|you started with)${END}`,
    ),
  },
  {
    id: 'ignore_rules_weak',
    weight: 0.4,
    pattern: re(`${NOT_AN_ORDER}${START}${OVERRIDE_VERBS} (?:the )?${TARGETS}${END}`),
  },
  {
    id: 'obey_me',
    weight: 0.7,
    pattern: re(
      `${START}(?:obey|follow|listen to|answer to) (?:only )?me (?:instead of|rather than|not|over) (?:your|the)${END}|${START}you (?:must|will|shall|have to) (?:now |only )?obey (?:me|my)${END}`,
    ),
  },
  {
    id: 'secret_mention',
    weight: 0.35,
    pattern: re(`${START}${SECRETS}${END}`),
  },
  {
    id: 'dump_knowledge',
    weight: 0.8,
    decoded: true,
    pattern: re(`${START}${REVEAL_VERBS} ${anyWords(3)}${WHOLE} (?:of )?(?:the |your |de |la |le |o |a |il |la |de )?${STORES}${END}`),
  },
  {
    id: 'repeat_above',
    weight: 0.85,
    decoded: true,
    pattern: re(`${START}${REPEAT_VERBS} ${anyWords(3)}${TEXT_OBJECTS} ${anyWords(2)}${ABOVE}${END}(?! \\p{N})`),
  },
  {
    id: 'repeat_above',
    weight: 0.85,
    decoded: true,
    pattern: re(`${START}${REPEAT_VERBS} (?:the |your |de |el |le |o |il |den |das )?(?:${PREVIOUS} ${TEXT_STRICT}|${TEXT_STRICT} ${PREVIOUS})${END}`),
  },
  {
    id: 'repeat_above',
    weight: 0.75,
    decoded: true,
    pattern: re(
      `${START}(?:first|last|initial) (?:\\p{N}+ |few |hundred )?(?:words|lines|sentences|characters) of (?:your|the|this) (?:prompt|instructions|conversation|context|system)${END}`,
    ),
  },
  {
    id: 'new_instructions',
    weight: 0.5,
    pattern: re(
      `${START}(?:here are|these are|follow|obey|befolge|sigue|suis|siga|segui|volg) (?:your |the |deine |tus |tes |vos |suas |le tue |je )?${NEW_INSTRUCTIONS}${END}(?! ${TOPIC_WORDS}${END})`,
    ),
    unless: re(DELIVERY_WORDS),
    weakWeight: 0.2,
  },
  {
    id: 'you_are_now',
    weight: 0.55,
    pattern: re(`${START}${YOU_ARE_NOW} (?:${ARTICLE}|${NAMED}|dan|in|free|no longer|not|an unrestricted|unrestricted|jailbroken)${END}`),
  },
  {
    id: 'you_are_now_weak',
    weight: 0.3,
    pattern: re(`${START}${YOU_ARE_NOW}${END}`),
  },
  {
    id: 'from_now_on',
    weight: 0.3,
    pattern: re(
      `${START}${FROM_NOW_ON_YOU} ${anyWords(2)}(?:are|will|must|shall|should|only|act|respond|answer|reply|speak|talk|behave|bist|wirst|musst|eres|seras|debes|es|seras|dois|e|sera|deve|sei|sarai|devi|bent|zult|moet|antworte|responde|reponds|responda|rispondi|antwoord)${END}`,
    ),
  },
  {
    id: 'pretend',
    weight: 0.5,
    pattern: re(`(?<!${START}(?:don t|dont|do not|stop|you|they|we|i|never) )${START}${PRETEND}${END}`),
  },
  {
    id: 'act_as_persona',
    weight: 0.55,
    pattern: re(
      `${START}${ACT_AS} (?:a |an |the |my |your |un |una |une |um |uma |uno |ein |eine |einen |een |il |el |le |o |de )?(?:${UNBOUND} )?${PERSONAS}${END}`,
    ),
  },
  {
    id: 'act_as_if',
    weight: 0.45,
    pattern: re(`${START}(?:act|behave) as if you (?:are|were|have|had|re)${END}`),
  },
  {
    id: 'unbound_ai',
    weight: 0.6,
    pattern: re(`${START}${UNBOUND} ${AI_NOUNS}${END}`),
  },
  {
    id: 'no_limits',
    weight: 0.35,
    pattern: re(`${START}${NO_LIMITS}${END}`),
  },
  {
    id: 'do_anything_now',
    weight: 0.6,
    decoded: true,
    pattern: re(
      `${START}(?:do anything now|stay in character|jailbreak|jailbroken ai|no longer (?:an? )?(?:ai|assistant|chatbot|customer (?:support|service)))${END}`,
    ),
  },
  {
    id: 'special_mode',
    weight: 0.35,
    pattern: re(`${START}${SPECIAL_MODES}${END}`),
  },
  {
    id: 'special_mode_on',
    weight: 0.55,
    decoded: true,
    pattern: re(
      `${START}(?:${ACTIVATE} (?:the )?${SPECIAL_MODES}|${SPECIAL_MODES} (?:enabled|activated|on|unlocked|aktiviert|activado|active|ativado|attivato|geactiveerd))${END}`,
    ),
    unless: re(`${START}${DEVICES}${END}`),
    weakWeight: 0,
  },
  {
    id: 'stop_being',
    weight: 0.4,
    pattern: re(
      `${START}(?:stop being|stop acting as|you are not|you re not) (?:a |an |the )?(?:customer (?:support|service)|support|helpful|assistant|chatbot|bot|ai)${END}`,
    ),
  },
  {
    id: 'authority_claim',
    weight: 0.4,
    pattern: re(
      `${START}(?:the user is (?:an? |the )?(?:admin|administrator|verified|authorized|authorised|developer|owner|root|superuser)|(?:openai|anthropic|your developers?|your creators?|your admins?|the developers?) (?:has|have) (?:authorized|authorised|approved|allowed|updated|changed)|(?:i am|i m|im|as) your (?:developer|creator|admin|administrator|programmer|owner|master)|i authori[sz]e you to)${END}`,
    ),
  },
  {
    id: 'pwned',
    weight: 0.35,
    pattern: re(`${START}(?:pwned|i have been pwned|i ve been pwned|i have been hacked)${END}`),
  },
  {
    id: 'decode_request',
    weight: 0.35,
    pattern: re(
      `${START}(?:decode|decipher|decrypt|unscramble|reverse|read|translate|dekodiere|entschlussele|decodifica|descifra|decodez|dechiffre|decodifique|decifra|decifre|decodeer|ontcijfer|lees)${END}.{0,40}${START}(?:base64|base 64|rot13|rot 13|hex|hexadecimal|binary|morse|caesar|cipher|encoded|backwards|reversed|achteruit|ruckwarts|al reves|a l envers|de tras para frente|al contrario)${END}`,
    ),
  },
  {
    id: 'execute_hidden',
    weight: 0.35,
    pattern: re(
      `${START}(?:and|then|und|y|et|e|en) (?:follow|execute|obey|run|carry out|perform|befolge|fuhre|sigue|ejecuta|obedece|suis|execute|obeis|siga|execute|obedeca|segui|esegui|obbedisci|volg|voer uit|gehoorzaam)(?: (?:it|them|this|that|the instructions|what it says|the result|es|sie|lo|las|le|les|o|as|la|le istruzioni|het))?${END}|${START}(?:and|then) do (?:it|that|what it says)${END}`,
    ),
  },
];

/** Rules over the marker view: folded but punctuation and newlines kept. */
export const MARKER_RULES: Rule[] = [
  { id: 'role_marker', weight: 0.95, pattern: /<\|\s*[a-z_]{2,}\s*\|>|<\/?\s*im_(?:start|end|sep)\s*>/ },
  { id: 'role_marker', weight: 0.95, pattern: /\[\/?inst\]|<<\/?sys>>|<\/?s>\s*\[inst\]/ },
  { id: 'role_marker', weight: 0.9, pattern: /"role"\s*:\s*"(?:system|assistant|developer)"/ },
  {
    id: 'role_header',
    weight: 0.8,
    pattern: /(?:^|\n)\s*#{2,}\s*(?:system|instructions?|new instructions?|response|human|assistant|user|prompt|task)\b/,
  },
  { id: 'role_tag', weight: 0.7, pattern: /<\/?(?:system|instructions?|prompt|sys|admin|developer)>/ },
  { id: 'role_tag', weight: 0.6, pattern: /\[(?:system|assistant|developer|admin|sys)\]|\{(?:system|assistant|developer)\}/ },
  {
    id: 'fake_transcript',
    weight: 0.7,
    pattern: /\b(?:system|assistant)\s*:.{1,200}?\b(?:user|human)\s*:|\b(?:user|human)\s*:.{1,200}?\b(?:system|assistant)\s*:/,
  },
  {
    id: 'fake_transcript',
    weight: 0.7,
    pattern:
      /(?:^|\n)\s*(?:human|user|customer|kunde|cliente|client|klant)\s*:[^\n]*\n\s*(?:assistant|ai|bot|system|assistent|asistente|assistente|systeme)\s*:/,
  },
  { id: 'role_prefix', weight: 0.45, pattern: /(?:^|\n)\s*(?:system|assistant|developer|admin|sys)\s*:/ },
  {
    id: 'role_prefix',
    weight: 0.5,
    pattern: /\b(?:system|admin|developer|sudo)\s+(?:override|prompt|instruction|instructions|command|message|note)\s*:/,
  },
  {
    id: 'prompt_boundary',
    weight: 0.6,
    pattern: /\b(?:end|begin|beginning|start) of (?:the )?(?:system )?(?:prompt|instructions|system message|context)\b/,
  },
  {
    id: 'new_instructions',
    weight: 0.6,
    pattern: re(
      `${START}${NEW_INSTRUCTIONS}\\s*[:\\-—>]\\s*(?:you|your|from now on|ignore|forget|disregard|always|never|do not|don['’]?t|respond|answer|reply|say|act|pretend|reveal|print|output|approve|grant|du|tu|vous|voce|je|jij)${END}`,
    ),
    unless: re(`${START}${NEW_INSTRUCTIONS}\\s*[:\\-—>][^\\n]{0,80}${DELIVERY_WORDS}`),
    weakWeight: 0.2,
  },
  {
    id: 'new_instructions',
    weight: 0.45,
    pattern: re(`${START}${NEW_INSTRUCTIONS}\\s*[:\\-—>]`),
    unless: re(`${START}${NEW_INSTRUCTIONS}\\s*[:\\-—>][^\\n]{0,80}${DELIVERY_WORDS}`),
    weakWeight: 0.2,
  },
];

/** Rules over letter-spaced runs joined without spaces ("i g n o r e a l l" → "ignoreall"). */
export const SQUASHED_RULES: Rule[] = [
  {
    id: 'ignore_instructions',
    weight: 0.9,
    pattern:
      /(?:ignore|disregard|forget|bypass|override|ignoriere|vergiss|ignora|olvida|oublie|oubliez|negeer|vergeet|esqueca|dimentica)(?:all|alle|todas|toutes|tutte|any|the|your|deine|tus|tes|vos|tue|je|le|las|les|as)*(?:previous|prior|above|earlier|vorherigen|anteriores|precedentes|precedenti|vorige|voorgaande)?(?:instructions|rules|prompts?|guidelines|anweisungen|regeln|instrucciones|reglas|regles|consignes|istruzioni|regole|instrucoes|regras|instructies|regels)/,
  },
  {
    id: 'reveal_secret',
    weight: 0.9,
    pattern:
      /(?:reveal|print|show|repeat|output|display|tell|give)(?:me)?(?:your|the)(?:system|initial|hidden|secret|original)(?:prompt|instructions|message)|systemprompt/,
  },
  { id: 'do_anything_now', weight: 0.6, pattern: /doanythingnow|developermode|jailbreak|youarenow/ },
];
