/**
 * What a support lead escalates, read from the message in its own language: an explicit request
 * for a person, a legal threat or a regulator complaint, an angry or formal complaint, suspected
 * fraud or a compromised account, and the same question a third time. And what goes to approval
 * under a `billing: approve` policy: a request for a billing action (a refund, a reversed charge,
 * compensation), not a question about billing. Pure and deterministic.
 *
 * The language is detected first (Hinglish by its function words); that language's phrases
 * apply, with English's, which customers mix in everywhere ("refund", "agent", "fraud"); a
 * message too short or mixed to tell ('und') is read with every language's. A word
 * alone is not a request: "agent" in "travel agent", "human" in "my husband (a human, not a
 * bot)" and "do I need to speak to an agent to …?" ask for nobody. Phrases are matched on the
 * folded text (lowercase, accents and look-alikes folded, punctuation as spaces).
 */
import { detectLanguage, LANGUAGE_CODES } from '../knowledge/language';
import { fold, foldWords } from './normalize';
import { classifiedSignals, type ClassifiedSignal } from './signal-classifier';

export type EscalationSignal = 'human_request' | 'legal' | 'complaint' | 'fraud' | 'repeat';
export const ESCALATION_SIGNALS: readonly EscalationSignal[] = ['human_request', 'legal', 'complaint', 'fraud', 'repeat'];

export interface SignalHit {
  signal: EscalationSignal;
  /** What matched, in plain words. */
  evidence: string;
}

/** The gate's languages: the knowledge languages, plus Hinglish (Hindi in Latin letters). */
export type GateLanguage = 'en' | 'es' | 'pt' | 'de' | 'fr' | 'it' | 'nl' | 'id' | 'hi' | 'hi-Latn' | 'und';

const HINGLISH =
  /(?<![a-z])(?:hai|hain|nahi|nahin|mujhe|mera|meri|mere|karna|karni|karo|kya|kyun|kaise|bhai|yaar|aap|apna|hua|ho gaya|gaya|kar diya|wapas|paisa|paise|chahiye|baat|kisi|se|ko|ka|ki|ke|mein|bhi|abhi|jaldi|sab|kuch|koi)(?![a-z])/g;

export function gateLanguage(text: string): GateLanguage {
  const language = detectLanguage(text);
  const code = LANGUAGE_CODES[language];
  if (code === 'hi') return 'hi';
  const folded = foldWords(text);
  const hinglish = folded.match(HINGLISH)?.length ?? 0;
  if (hinglish >= 2 && (code === 'en' || code === 'und' || code === 'id' || hinglish >= 3)) return 'hi-Latn';
  if (['en', 'es', 'pt', 'de', 'fr', 'it', 'nl', 'id'].includes(code)) return code as GateLanguage;
  // Too short or too mixed to tell: every language's phrases apply.
  return 'und';
}

const W = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const any = (n: number) => `(?:[\\p{L}\\p{N}]+ ){0,${n}}`;
/** Alternatives as one pattern, folded as the text is (Devanagari's vowel signs go with the accents). */
const rx = (alternatives: string[]) => new RegExp(alternatives.map((a) => `${W}(?:${a.normalize('NFD').replace(/\p{M}+/gu, '')})${E}`).join('|'), 'u');
type Phrases = Partial<Record<GateLanguage, RegExp>>;

// --- A person, asked for -----------------------------------------------------------------------

const PERSON_EN =
  '(?:a |an |the |some |your |one of your |real |actual |live )*(?:[\\p{L}]+ )?(?:human|human being|person|real person|people|agent|live agent|representative|rep|operator|manager|supervisor|someone|somebody|staff member|employee|advisor|adviser|consultant|customer service|customer care|support team|team member)s?';
const PERSON: Phrases = {
  en: rx([
    `(?:speak|speaking|talk|talking|chat|chatting|get through|be put through|be connected|be transferred)(?: directly)? (?:to|with) ${PERSON_EN}`,
    `(?:connect|transfer|put|pass|forward|escalate) (?:me|this|my (?:case|call|chat|issue)) (?:through )?(?:to|with) ${PERSON_EN}`,
    `(?:i want|i wanna|i wana|i need|i d like|i would like|get me|give me|let me (?:talk|speak) to|can i (?:have|get)|could i (?:have|get)|may i (?:have|speak to)|i demand|i insist on)(?: to (?:speak|talk) (?:to|with))? ${PERSON_EN}`,
    `(?:human|real person|agent|representative|operator|someone) please`,
    `(?:no more|stop|enough of|sick of|tired of|fed up with) (?:talking to |chatting with )?(?:a |the |this |your )?(?:bot|robot|chatbot|machine|ai|automated)`,
    `(?:want|need|give me|talk to|speak to|speak with|talk with) (?:a |an )?(?:human|person|real person|real human) (?:not|rather than|instead of) (?:a |an |the |this |your )?(?:bot|robot|chatbot|machine)`,
    `escalate (?:this|my|it)`,
    `(?:contact|contacting|reach|reaching|get hold of|getting hold of) (?:a |an |the |some |one of your |real |actual |live )*(?:human|human being|person|real person|agent|live agent|human agent|representative|rep|operator|manager|supervisor|somebody|someone|staff member|employee)`,
    `(?:call|ring|phone) me(?: back)?`,
  ]),
  es: rx([
    `(?:hablar|comunicarme|conversar|contactar|chatear) con ${any(2)}(?:persona|humano|agente|asesor|asesora|operador|operadora|representante|alguien|encargado|supervisor|empleado|ejecutivo)`,
    `(?:quiero|necesito|pasame|paseme|pasenme|comuniqueme|comunicame|me pasas|me pasa|me comunica|me comunicas) (?:con )?(?:un |una |a un |a una )?(?:persona|humano|agente|asesor|operador|representante|alguien)`,
    'persona real|atencion humana|no (?:quiero|con) (?:un |el )?(?:bot|robot|maquina)',
    '(?:llamenme|llameme|llamame|me pueden llamar)',
  ]),
  pt: rx([
    `(?:falar|conversar|contatar|chamar) com ${any(2)}(?:pessoa|humano|atendente|agente|alguem|operador|representante|gerente|supervisor|funcionario|consultor)`,
    `(?:quero|preciso de|me passa para|me transfere para|me transfira para|me passe para) (?:um |uma |o |a )?(?:pessoa|humano|atendente|agente|alguem|operador|representante)`,
    'pessoa real|atendimento humano|nao (?:quero|com) (?:um |o )?(?:robo|bot|maquina)',
    '(?:me liguem|me ligue|liguem para mim)',
  ]),
  fr: rx([
    `parler (?:a|avec) ${any(2)}(?:personne|humain|conseiller|conseillere|agent|operateur|operatrice|quelqu un|responsable|superviseur|employe|interlocuteur)`,
    `(?:je veux|je voudrais|j aimerais|passez moi|mettez moi en relation avec|transferez moi a) (?:parler (?:a|avec) )?(?:un |une |le |la )?(?:vraie )?(?:personne|humain|conseiller|agent|operateur|responsable)`,
    'vrai humain|vraie personne|pas (?:un |le |a un )?(?:robot|bot)',
    '(?:rappelez moi|appelez moi)',
  ]),
  de: rx([
    `(?:mit|einen|einem|eine|einer) ${any(2)}(?:mensch|menschen|mitarbeiter|mitarbeiterin|berater|beraterin|person|agenten|kundenberater|vorgesetzten|verantwortlichen|jemandem) (?:sprechen|reden|verbunden|verbinden|telefonieren)`,
    `(?:ich will|ich mochte|ich moechte|ich brauche|verbinden sie mich mit|bitte) (?:mit )?(?:einem |einen |einer |eine )?(?:echten )?(?:menschen|mitarbeiter|berater|person|agenten)`,
    'echten menschen|echte person|kein (?:bot|roboter)|keinen (?:bot|roboter)',
    '(?:rufen sie mich (?:zuruck|an)|ruckruf)',
  ]),
  it: rx([
    `parlare con ${any(2)}(?:persona|umano|operatore|operatrice|agente|qualcuno|responsabile|consulente)`,
    'persona reale|operatore umano|non (?:un |con un )?(?:bot|robot)',
    '(?:richiamatemi|chiamatemi)',
  ]),
  nl: rx([
    `(?:spreken|praten|bellen) (?:met|tegen) ${any(2)}(?:mens|medewerker|persoon|iemand|agent|leidinggevende)`,
    `(?:met|een) ${any(2)}(?:mens|medewerker|persoon|iemand) (?:spreken|praten)`,
    'echt mens|echte mens|echte persoon|geen (?:bot|robot)',
    '(?:bel me|terugbellen)',
  ]),
  id: rx([
    `(?:bicara|berbicara|ngobrol|ngomong|chat|terhubung|hubungkan saya|sambungkan saya|disambungkan) (?:dengan|sama|ke|kepada) ${any(2)}(?:manusia|orang|agen|petugas|cs|customer service|operator|admin|staf|karyawan|seseorang|manajer|supervisor)`,
    '(?:mau|ingin|minta|perlu|tolong) (?:dengan |sama |ke )?(?:orang asli|manusia|agen|petugas|cs|operator)',
    'orang asli|bukan (?:bot|robot|mesin)',
    '(?:telepon saya|hubungi saya)',
  ]),
  hi: rx(['(?:इंसान|व्यक्ति|एजेंट|आदमी|किसी|अधिकारी|प्रतिनिधि|कर्मचारी|मैनेजर)\\s?(?:से)\\s?(?:बात|जोड़|जोड़ो|जोड़िए|जोड़ दीजिए|कनेक्ट|मिलाइए|मिलाओ)', 'असली इंसान|बॉट नहीं']),
  'hi-Latn': rx([
    `(?:insaan|insan|banda|bande|aadmi|admi|agent|executive|kisi|human|person|real person|manager|officer|customer care) ${any(2)}se (?:baat|connect|jod|jodo|jodiye|milao|mila do|milwao)`,
    `baat (?:karni|karna|karao|karwao|karwa do|karwado|karvao) ${any(2)}(?:insaan|insan|banda|aadmi|agent|human|person|executive|kisi)`,
    'bot se nahi|bot nahi|real insaan|asli insaan',
    '(?:call karo|call kijiye|phone karo)',
  ]),
};

/** A message that is only a person asked for: "human", "agent please", "¡un asesor!". */
const BARE_PERSON = new RegExp(
  `^(?:(?:a|an|un|una|um|uma|ein|einen|une|seorang|koi|kisi) )?(?:real |live |human |echter |vrai )?(?:human|humans|agent|agents|person|representative|rep|operator|someone|humano|humana|agente|asesor|asesora|atendente|operador|operadora|persona|pessoa|mensch|menschen|mitarbeiter|berater|humain|conseiller|conseillere|manusia|petugas|cs|insaan|insan|banda|customer service|customer care)(?: (?:please|pls|plz|now|asap|por favor|bitte|svp|s il vous plait|tolong|dong|chahiye|do|karo))*$`,
  'u',
);

/** "Do I need to speak to an agent to …?", "are you a human?": about a person, asking for none. */
const NOT_A_REQUEST = rx([
  `(?:do|would|will|must|should) (?:i|we) (?:need|have|want) to (?:speak|talk|call|go through|contact) ${any(3)}(?:to|with)? ?${any(2)}(?:agent|person|human|representative|someone)s? (?:to|for|before|in order)`,
  `(?:without|no need to) (?:speaking|talking|calling|contacting) ${any(3)}(?:agent|person|human|representative|someone)`,
  '(?:are|r) (?:you|u) (?:a |an )?(?:human|person|bot|robot|real|ai)',
  // The same question, asked in the other languages: a person needed for something?
  `(?:necesito|tengo que|debo|hace falta|hay que) (?:hablar|llamar|contactar) con ${any(2)}(?:agente|persona|asesor|alguien|operador) para`,
  `(?:preciso|tenho que|devo|e preciso) (?:falar|ligar|contatar) com ${any(2)}(?:atendente|agente|pessoa|alguem) para`,
  `(?:dois je|faut il|je dois|est ce que je dois|doit on) (?:parler|appeler|contacter) ${any(4)}pour`,
  `(?:muss ich|brauche ich|sollte ich) ${any(4)}(?:sprechen|anrufen|kontaktieren|reden)(?: um)?`,
  `(?:apakah|perlu|harus|haruskah) ${any(2)}(?:bicara|berbicara|menghubungi|ngomong) ${any(4)}untuk`,
  `(?:के लिए) ${any(4)}(?:बात करनी होगी|बात करना होगा|बात करनी पड़ेगी|बात करनी पडेगी)`,
  `(?:ke liye) ${any(4)}(?:baat karni|baat karna) (?:padegi|hogi|padega|hoga)`,
]);

// --- Legal threats and regulators ---------------------------------------------------------------

const LEGAL: Phrases = {
  en: rx([
    'lawyer|lawyers|solicitor|(?<!power of )attorney|barrister|legal action|legal proceedings|take (?:you|this) to court|see you in court|small claims|sue|suing|lawsuit|class action',
    'ombudsman|regulator|trading standards|consumer protection|ofcom|ofgem|fca|cfpb|ftc|bbb|better business bureau|attorney general|data protection authority|ico',
    '(?:report|reporting) (?:you|this|your company) to',
  ]),
  es: rx([
    'ante (?:el |la )?(?:banco de espana|banco central|defensor del (?:cliente|consumidor|pueblo)|regulador|superintendencia|cnmv|autoridad|consumo)',
    'abogado|abogados|demanda|demandar|demandare|denuncia|denunciar|denunciare|acciones legales|via judicial|tribunal|juzgado|consumo|oficina del consumidor|omic|profeco|ocu|hoja de reclamaciones',
  ]),
  pt: rx([
    'banco central|bacen|consumidor gov|advogado|advogados|processar|processo judicial|acao judicial|justica|tribunal|procon|reclame aqui|anatel|juizado|defesa do consumidor',
  ]),
  fr: rx([
    'banque de france|acpr|cnil|arcep|avocat|avocats|poursuivre|poursuites|en justice|tribunal|action en justice|mediateur|dgccrf|ufc que choisir|association de consommateurs|mise en demeure',
  ]),
  de: rx([
    'bafin|schlichter|ombudsmann|anwalt|anwaltin|rechtsanwalt|verklagen|klage|klagen|rechtliche schritte|gericht|verbraucherzentrale|schlichtungsstelle|bundesnetzagentur|abmahnung',
  ]),
  it: rx(['avvocato|denuncia|denunciare|tribunale|vie legali|azione legale|codacons|agcom']),
  nl: rx(['advocaat|rechtszaak|aanklagen|rechter|juridische stappen|consumentenbond|geschillencommissie']),
  id: rx(['pengacara|advokat|menuntut|tuntut|gugat|menggugat|jalur hukum|ranah hukum|lapor polisi|pengadilan|ylki|ojk|bpkn']),
  hi: rx(['आरबीआई|लोकपाल|उपभोक्ता अदालत|वकील|अदालत|कोर्ट|कानूनी कार्रवाई|उपभोक्ता फोरम|उपभोक्ता अदालत|शिकायत दर्ज|पुलिस']),
  'hi-Latn': rx([
    'rbi|ombudsman|lokpal|vakil|wakil|lawyer|court|case (?:karunga|karungi|kar dunga|thok)|consumer (?:forum|court)|legal action|police complaint',
  ]),
};

// --- Fraud, a compromised account --------------------------------------------------------------

const FRAUD: Phrases = {
  en: rx([
    'cloned|skimmed|fraud|fraudulent|fraudster|scammed|phishing|identity theft|hacked|compromised|stolen (?:card|account|identity|details|password)',
    'unauthori[sz]ed (?:transaction|charge|payment|purchase|access|login|log in|withdrawal|debit)s?',
    `(?:don t|do not|didn t|did not|can t|cannot) (?:recogni[sz]e|know|authori[sz]e|make) ${any(3)}(?:charge|transaction|payment|purchase|withdrawal|debit|login)s?`,
    `(?:someone|somebody|a stranger) (?:has |have )?(?:used|accessed|logged into|took|taken|stole|withdrew|changed) ${any(2)}(?:my|our)`,
    `(?:charge|fee|transaction|payment|purchase|debit|withdrawal)s? ${any(4)}(?:i|we) (?:don t|do not|didn t|did not|can t|cannot) (?:recogni[sz]e|know|make|authori[sz]e|remember)`,
    `(?:don t|do not) know why (?:it|this|that) was (?:charged|taken|debited|withdrawn)`,
    `money (?:is |has gone |went )?missing from (?:my|our)`,
    `(?:gave|shared|told|sent) ${any(3)}(?:one time code|otp|pin|password|verification code|security code)`,
  ]),
  es: rx([
    'fraude|fraudulento|estafa|estafaron|hackeado|hackearon|hackeada|robaron mi (?:cuenta|tarjeta)|suplantacion',
    `no reconozco ${any(3)}(?:cargo|cobro|compra|movimiento|transaccion|pago)`,
    '(?:cargo|cobro|compra|movimiento) no (?:reconocido|autorizado)',
    `(?:cargo|cobro|compra|movimiento|pago|transaccion)s? ${any(6)}no (?:reconozco|hice|autorice)`,
  ]),
  pt: rx([
    'fraude|golpe|golpista|hackeada|hackeado|invadida|invadiram|clonado|clonaram',
    `nao reconheco ${any(3)}(?:cobranca|compra|transacao|pagamento|debito)`,
    '(?:compra|transacao|cobranca) (?:nao reconhecida|nao autorizada)',
    `(?:compra|cobranca|transacao|pagamento|debito)s? ${any(6)}(?:nao (?:fiz|reconheco|autorizei))`,
  ]),
  fr: rx([
    'fraude|frauduleux|frauduleuse|arnaque|escroquerie|pirate|piratee|hameconnage|usurpation',
    `je ne reconnais pas ${any(3)}(?:prelevement|paiement|achat|operation|transaction)`,
    '(?:operation|paiement|prelevement) non autorise',
    `(?:paiement|prelevement|achat|operation|transaction)s? ${any(7)}(?:ne reconnais pas|n ai pas fait|n ai pas autorise)`,
  ]),
  de: rx([
    'betrug|betruger|betrugerisch|gehackt|phishing|identitatsdiebstahl',
    `(?:unbefugt|nicht autorisiert)e? ${any(2)}(?:abbuchung|zahlung|transaktion|zugriff)`,
    'erkenne (?:die|diese|eine) (?:abbuchung|zahlung|transaktion) nicht',
    `(?:abbuchung|zahlung|transaktion|buchung)(?:en)? ${any(6)}(?:nicht kenne|nicht erkenne|nicht gemacht habe|nicht autorisiert)`,
  ]),
  it: rx(['frode|truffa|truffato|hackerato|phishing|addebito non autorizzato|non riconosco']),
  nl: rx(['fraude|oplichting|opgelicht|gehackt|phishing|niet herkende (?:afschrijving|betaling)|onbevoegd']),
  id: rx([
    'penipuan|penipu|ditipu|diretas|dibobol|bobol|hack|phishing',
    `(?:transaksi|tagihan|pembayaran|pembelian) ${any(6)}(?:tidak (?:saya )?(?:kenal|kenali|lakukan)|mencurigakan|bukan saya)`,
  ]),
  hi: rx(['धोखाधड़ी|धोखा|फ्रॉड|हैक|ठगी|चोरी', `(?:लेनदेन|ट्रांजैक्शन|भुगतान|शुल्क|खरीदारी) ${any(6)}(?:मैंने नहीं|नहीं किया|नहीं की|पहचानता नहीं|पहचानती नहीं)`]),
  'hi-Latn': rx([
    `(?:transaction|payment|charge|kharcha|purchase) ${any(4)}(?:maine|mene|humne) nahi (?:kiya|kia|ki|kari)`,
    'fraud|froud|dhokha|dhokhadhadi|thagi|hack (?:ho gaya|hua|kar liya)|hacked|scam|mere account se paise (?:kat|nikal)',
  ]),
};

// --- Angry or formal complaints -----------------------------------------------------------------

const COMPLAINT: Phrases = {
  en: rx([
    `(?:file|filing|make|making|lodge|lodging|raise|submit|register|open) ${any(3)}(?:complaint|claim|reclamation|grievance) (?:against|about)`,
    `(?:complaint|claim|grievance|reclamation) against (?:you|your|ur|this)`,
    '(?:file|filing|make|lodge|raise|submit|register|open) (?:a |an )?(?:[\\p{L}]+ )?(?:formal |official )?complaint|formal complaint|official complaint|i want to complain|i wish to complain|complain(?:ing)? (?:about|against)',
    '(?:extremely|very|really|so|totally|absolutely|deeply|incredibly|beyond) (?:disappointed|angry|upset|annoyed|frustrated|unhappy|dissatisfied|let down|fed up|furious|disgusted)|i am (?:angry|furious|livid|outraged|upset|disgusted|fuming)|disgrace|is a joke|not acceptable|been ignored|nobody (?:is )?(?:helping|answering|responding|replying|listening)|(?:terrible|awful|horrible|dreadful|worst) experience|never (?:order|buy|shop|use you) (?:again|here)',
    'unacceptable|outrageous|disgusting|disgraceful|appalling|ridiculous|pathetic|useless company|worst (?:service|company|experience|customer service)|shocking service|terrible service|horrible service|very bad service|fed up|sick and tired|furious|livid|scandalous|rip off|ripoff|never again|fix this now|what the hell|wtf',
  ]),
  es: rx([
    'muy (?:molesto|molesta|enfadado|enfadada|enojado|enojada|decepcionado|decepcionada|disgustado|disgustada|insatisfecho|insatisfecha)|nadie me (?:responde|contesta|ayuda|hace caso)',
    '(?:poner|presentar|hacer|interponer) (?:una )?(?:queja|reclamacion|reclamo)|quiero quejarme|inaceptable|indignante|vergonzoso|una verguenza|pesimo servicio|pesima atencion|estoy harto|estoy harta|es un abuso|un robo|nunca mas|furioso|indignado',
  ]),
  pt: rx([
    'muito (?:irritado|irritada|chateado|chateada|insatisfeito|insatisfeita|decepcionado|decepcionada|bravo|brava|nervoso|nervosa)|ninguem me (?:responde|ajuda|atende)',
    '(?:fazer|abrir|registrar) (?:uma )?reclamacao|quero reclamar|inaceitavel|absurdo|vergonha|pessimo atendimento|pessimo servico|estou farto|estou farta|indignado|indignada|palhacada|descaso|nunca mais|um roubo',
  ]),
  fr: rx([
    '(?:tres|extremement|vraiment|profondement) (?:decu|decue|mecontent|mecontente|enerve|enervee|fache|fachee|insatisfait|insatisfaite|en colere)|personne ne (?:repond|m aide|me repond)',
    '(?:deposer|faire|porter) (?:une )?(?:plainte|reclamation)|je veux me plaindre|inadmissible|inacceptable|scandaleux|honteux|lamentable|abus de confiance|tres mecontent|tres mecontente|ras le bol|j en ai marre|furieux|furieuse|jamais plus|n importe quoi',
  ]),
  de: rx([
    '(?:sehr|extrem|total|wirklich) (?:verargert|enttauscht|unzufrieden|wutend|sauer|verargert)|niemand (?:antwortet|hilft|meldet sich)',
    'beschwerde (?:einreichen|einlegen)|offizielle beschwerde|ich mochte mich beschweren|ich will mich beschweren|unverschamt|frechheit|inakzeptabel|skandal|unmoglich|katastrophal|eine zumutung|mir reicht s|ich habe die nase voll|nie wieder|wutend|sauer',
  ]),
  it: rx(['(?:fare|presentare) (?:un )?reclamo|inaccettabile|vergognoso|una vergogna|pessimo servizio|sono stufo|sono stufa|furioso|mai piu']),
  nl: rx(['(?:klacht indienen|een klacht)|onacceptabel|schandalig|belachelijk|waardeloos|ik ben het zat|woedend|nooit meer']),
  id: rx([
    '(?:sangat|amat|benar benar|bener bener) (?:kecewa|kesal|marah|tidak puas)|tidak ada yang (?:membalas|menjawab|membantu|merespon)',
    '(?:mengajukan|ajukan|buat|bikin|sampaikan) (?:keluhan|komplain|pengaduan)|mau komplain|kecewa berat|sangat kecewa|parah banget|keterlaluan|tidak bisa diterima|pelayanan buruk|pelayanan terburuk|marah|kesal banget|payah|tidak becus',
  ]),
  hi: rx(['बहुत (?:नाराज़|नाराज|गुस्सा|परेशान|खराब)|कोई जवाब नहीं', 'शिकायत|बहुत बुरा|बेकार सेवा|घटिया|गुस्सा|नाराज़|नाराज|बर्दाश्त नहीं|शर्मनाक']),
  'hi-Latn': rx([
    'gussa aa raha|bahut (?:gussa|naraz|pareshan|bura)|koi (?:jawab|reply|response) nahi',
    'complaint (?:karna|karni|karunga|darj|file|karo)|shikayat|bakwas|bekaar service|bekar service|ghatiya|very bad service|worst service|gussa|naraz|pareshan ho gaya|pagal bana|koi nahi hai help|chor company|fraud company',
  ]),
};

// --- Billing actions ------------------------------------------------------------------------------

const BILLING_ACTION: Phrases = {
  en: rx([
    `(?:refund|reimburse|compensate|credit) (?:me|us|my|the|this|it|that|for)`,
    'pay (?:me|us) back',
    `(?:want|wanna|wana|need|like|would like|d like|get|receive|have|request|requesting|asking for|demand|claim|expect|due|owed|entitled to|give me|send me|issue|process) ${any(3)}(?:refund|rebate|reimbursement|compensation|credit|money back|goodwill|partial refund|chargeback)`,
    `(?:get|have|want|need) ${any(4)}(?:back|refunded|reimbursed|reversed|credited|waived)`,
    `(?:charged|billed|debited|taken|paid) (?:me |us )?(?:twice|double|two times|three times|more than once)|double (?:charged|charge|billing|payment)|duplicate (?:charge|payment|transaction|billing)|overcharged|charged (?:me )?(?:the wrong|too much|extra)`,
    `(?:reverse|cancel|remove|refund|waive|drop) ${any(2)}(?:charge|fee|payment|transaction|penalty|late fee|cancellation fee)`,
    'price (?:drop|dropped|protection|match|adjustment)|dropped (?:in price|to)|cheaper (?:now|since|after i bought)',
    '^(?:refund|rebate|reimburse|reimbursement|money back)|(?:refund|reimburse) \\p{N}',
    'dispute (?:a |the |this |that |my )?(?:charge|transaction|payment|debit|bill)|(?:return|give|send|refund) (?:me )?(?:back )?my money',
  ]),
  es: rx([
    `(?:quiero|necesito|solicito|pido|exijo|me devuelvan|devuelvanme|devolverme|reembolsen|reembolsenme) ${any(3)}(?:reembolso|devolucion|dinero|compensacion|abono)`,
    'me (?:cobraron|cobrasteis|han cobrado|cobran) (?:dos veces|doble|de mas)|cobro (?:duplicado|doble)|cargo duplicado|reembolsar(?:me)?|reembolsen(?:me)?|reembolse(?:me)?|devolverme el dinero|me devuelvan (?:el|mi) dinero|anular (?:el )?cargo',
  ]),
  pt: rx([
    `(?:quero|preciso|solicito|peco|exijo) ${any(3)}(?:reembolso|estorno|devolucao|dinheiro de volta|compensacao|ressarcimento)`,
    '(?:fui|foi) cobrad[oa] (?:duas vezes|em dobro|a mais)|cobranca (?:duplicada|em dobro)|me (?:reembolsem|devolvam)|estornar',
  ]),
  fr: rx([
    `(?:je veux|je voudrais|j aimerais|je demande|j exige|merci de) ${any(3)}(?:rembourse|remboursement|rembourser|dedommagement|geste commercial|avoir)`,
    '(?:preleve|debite|facture) (?:deux fois|en double|a tort|trop)|double prelevement|remboursez moi|me rembourser|(?:recuperer|recevoir|rendre) (?:mon|mes|l) (?:argent|fonds)|rendez moi mon argent',
  ]),
  de: rx([
    `(?:ich (?:will|mochte|moechte|hatte gern|fordere|verlange)|bitte) ${any(3)}(?:erstattung|ruckerstattung|geld zuruck|gutschrift|entschadigung|erstatten|zuruckerstatten)`,
    'doppelt (?:abgebucht|berechnet|belastet)|zu viel (?:abgebucht|berechnet)|erstatten sie|geld zuruck',
  ]),
  it: rx(['(?:voglio|vorrei|chiedo) (?:il |un )?rimborso|rimborsatemi|addebitato due volte|doppio addebito']),
  nl: rx(['(?:wil|graag|verzoek) (?:mijn )?geld terug|terugbetaling|dubbel afgeschreven|twee keer betaald']),
  id: rx([
    `(?:minta|mau|ingin|tolong|mohon) ${any(3)}(?:refund|pengembalian dana|uang (?:saya )?kembali|uangnya kembali|kompensasi|ganti rugi|dikembalikan)`,
    '(?:ditagih|terpotong|kepotong|dipotong|didebit) (?:dua kali|2 kali|ganda|dobel)|tagihan ganda|kembalikan uang',
  ]),
  hi: rx(['(?:रिफंड|पैसे वापस|पैसा वापस)', 'दो बार (?:पैसे )?(?:कट|काट)', `(?:शुल्क|पैसे|पैसा|रकम|राशि|चार्ज) ${any(2)}वापस (?:कर|करो|कीजिए|दीजिए|दो|चाहिए)`]),
  'hi-Latn': rx([`(?:refund|paise wapas|paisa wapas|paise vapas|paisa vapas|paise return)`, `(?:do baar|double|2 baar) ${any(2)}(?:kat|cut|charge|debit)`]),
};

/**
 * More kinds of billing action, from the blind probe's dev half (eval/gate/escalation-probe.jsonl):
 * compensation or a partial refund offered, a credit or discount on the next bill (an outage), the
 * price difference back, shipping costs refunded, "can you reverse that".
 */
const BILLING_ACTION_MORE: Phrases = {
  en: rx([
    `(?:offer|give|provide|get) ${any(3)}(?:compensation|partial refund|discount|credit|goodwill gesture)`,
    `(?:credit|discount|refund|reduction) (?:on|off|to|from) (?:my|the|our) (?:next )?(?:bill|invoice|statement)`,
    '(?:the )?(?:price )?difference (?:back|refunded|returned|credited)|refund (?:me )?the difference',
    `(?:refund|reimburse) ${any(2)}(?:shipping|delivery|postage|express)`,
    'reverse (?:that|this|it|the (?:charge|renewal|payment))',
  ]),
  es: rx([
    '(?:devolvais|devuelvan|devolveis|devuelvas|reembolseis|reembolsen|reembolses|aboneis|abonen)',
    'me (?:habeis|han|ha) cobrado (?:dos veces|doble|de mas)',
    `(?:compensacion|indemnizacion|un descuento|un abono) ${any(3)}(?:factura|pedido|compra)?|la diferencia|descuento en (?:la|mi) (?:proxima )?factura`,
  ]),
  pt: rx([
    'abatimento|desconto na (?:proxima )?fatura|credito na (?:proxima )?fatura|a diferenca|reembolsar|ressarcir|compensacao|me devolver(?:em)? o (?:valor|dinheiro)',
  ]),
  fr: rx([
    'geste commercial|dedommagement|dedommager|compensation|avoir sur (?:ma|la|votre) (?:prochaine )?facture|remboursement (?:partiel|des frais)|rembourser (?:la difference|les frais)|la difference',
  ]),
  de: rx([
    `(?:differenz|differnz|unterschied|preisdifferenz) ${any(2)}(?:erstatten|zuruck|gutschreiben|erstattet)`,
    `(?:konnten|konnen|wurden|mochten) sie ${any(4)}(?:erstatten|zuruckerstatten|gutschreiben|zuruckzahlen)`,
    'entschadigung|gutschrift|kulanz|preisnachlass|teilerstattung',
  ]),
  id: rx([`kompensasi|ganti rugi|refund sebagian|potongan (?:tagihan|harga)|selisih(?:nya)? ${any(2)}(?:dikembalikan|kembali|refund)|dikembalikan uangnya`]),
  hi: rx([`क्रेडिट (?:मिल|दे|दीजिए|चाहिए)|मुआवज़ा|मुआवजा|हर्जाना|(?:फर्क|अंतर) ${any(2)}वापस|छूट (?:मिल|दे|दीजिए|चाहिए)`]),
  'hi-Latn': rx(['difference (?:wapas|vapas|refund|return)|compensation|(?:credit|discount) (?:milega|mil sakta|mil sakti|chahiye|do|dijiye)']),
};

/** More kinds of suspected fraud: orders nobody placed, a charge nobody can place, the saved card used. */
const FRAUD_MORE: Phrases = {
  en: rx([
    '(?:orders?|purchases?|charges?|transactions?|payments?) (?:that )?(?:i|we) (?:never|didn t|did not) (?:made|make|place|placed|order|ordered|authori[sz]ed|buy|bought)',
    'using my (?:saved )?(?:card|account|payment details)',
  ]),
  es: rx([`(?:compra|cargo|cobro|pedido|movimiento)s? ${any(12)}(?:que )?(?:yo )?no (?:hice|reconozco|autorice|pedi)`]),
  pt: rx([`(?:compra|cobranca|transacao|pagamento|debito|pedido)s? ${any(12)}(?:que )?(?:eu )?nao (?:fiz|reconheco|autorizei|pedi)`]),
  de: rx(['nicht zuordnen|nichts bestellt|nicht bestellt|nicht autorisiert|unbekannte (?:abbuchung|zahlung|belastung)|nicht von mir']),
  fr: rx([
    `(?:achat|prelevement|commande|paiement|debit)s? ${any(12)}(?:que )?(?:je )?n ai (?:pas|jamais) (?:fait|effectue|passe|autorise)|je ne reconnais pas`,
  ]),
  id: rx([`(?:transaksi|pesanan|tagihan|pembelian) ${any(8)}(?:tidak|gak|nggak|ga) (?:pernah )?(?:saya )?(?:lakukan|pesan|beli|kenal)`]),
  hi: rx([`(?:मैंने|मैने) ${any(3)}(?:नहीं किया|नहीं की|नहीं किए|नहीं मंगाया)`]),
  'hi-Latn': rx([`(?:maine|mene) ${any(3)}(?:nahi kiya|nahi ki|nahi kiye|nahi mangaya|order nahi)`]),
};

/** Asks about billing rather than for a billing action: "what is your refund policy?", "how long do refunds take?". */
const BILLING_QUESTION = rx([
  'policy|policies|terms|how long (?:do|does|will)|how do (?:refunds|returns)|how does (?:the )?(?:refund|return)|how does (?:that|it|this) work|what happens (?:if|when)|what if|what is your|what are your|do you (?:offer|give|do)|can (?:i|you) (?:return|cancel)|is there a',
  'politica|cuanto tarda|cuanto tiempo|como funciona|politique|combien de temps|comment fonctionne|richtlinie|wie lange|wie funktioniert|kebijakan|berapa lama|bagaimana cara kerja',
  'नीति|कितने दिन|कितना समय|policy kya|kitne din|kitna time',
]);
const FIRST_PERSON_ACTION = rx(['my|me|i was|i ve been|i have been|i paid|i bought|we paid|our|order|mi|mio|mon|ma|mes|saya|mera|meri|mujhe|मेरा|मेरी|मेरे|मुझे']);
/** German "mein" is "in" in Hinglish: first person only in German. */
const FIRST_PERSON_DE = rx(['mein|meine|meinen|meinem|meiner']);

const phraseOf = (phrases: Phrases, lang: GateLanguage, text: string): string | undefined => {
  const order: GateLanguage[] = lang === 'und' ? (Object.keys(phrases) as GateLanguage[]) : lang === 'en' ? ['en'] : [lang, 'en'];
  for (const l of order) {
    const m = phrases[l]?.exec(text);
    if (m) return m[0];
  }
  return undefined;
};

/** A request for a billing action (refund, reversed charge, compensation, price protection), as opposed to a question about billing. */
export function billingAction(text: string, lang: GateLanguage = gateLanguage(text), options: SignalOptions = {}): string | undefined {
  const folded = foldWords(text);
  const hit = phraseOf(BILLING_ACTION, lang, folded) ?? phraseOf(BILLING_ACTION_MORE, lang, folded) ?? classified(text, 'billing_action', options);
  if (!hit) return undefined;
  // A question about the policy, with nothing of the customer's own at stake, asks for no action.
  const own = FIRST_PERSON_ACTION.test(folded) || (lang === 'de' && FIRST_PERSON_DE.test(folded));
  if (BILLING_QUESTION.test(folded) && !own) return undefined;
  return hit;
}

/** More kinds from the blind probe's dev half: a formal complaint filed, a transfer to a real person asked for. */
const COMPLAINT_MORE: Phrases = {
  en: rx(['(?:formal|official) complaint|(?:lodge|file|submit|make) (?:a |an )?(?:formal |official )?complaint']),
  es: rx(['queja formal|reclamacion formal|(?:presento|presentar|interpongo|interponer|pongo|poner) (?:una )?(?:queja|reclamacion)']),
  pt: rx(['reclamacao formal|queixa formal|(?:registro|registrar|apresento|apresentar|formalizo|formalizar) (?:uma )?(?:reclamacao|queixa)']),
  fr: rx(['reclamation (?:officielle|formelle)|plainte (?:officielle|formelle)|(?:formuler|formule|adresser|adresse) (?:une )?(?:reclamation|plainte)']),
  de: rx([`formelle beschwerde|formale beschwerde|(?:reiche|erhebe|lege) ${any(3)}beschwerde`]),
  id: rx(['keluhan resmi|pengaduan resmi|komplain resmi']),
  hi: rx(['औपचारिक शिकायत|आधिकारिक शिकायत|शिकायत दर्ज']),
  'hi-Latn': rx(['formal complaint|official complaint|shikayat darj']),
};
const PERSON_MORE: Phrases = {
  // Is there someone to talk to, hand me over: the other ways a person is asked for.
  en: rx([
    `(?:is there|are there|do you have|can i get|could i get) (?:a |an |any |some )?(?:real |actual |live )?(?:human|person|people|someone|somebody|anyone|agent|representative)s? ${any(3)}(?:i|we) (?:can|could) (?:talk|speak|chat)`,
    `(?:can|could|may) (?:i|we) (?:please )?(?:talk|speak|chat) (?:to|with) (?:someone|somebody|anyone|a person|a human|an agent|your team|a colleague|a manager)`,
    `(?:hand|pass|escalate|transfer|forward) (?:me|this|it|my case) (?:over )?to (?:a |an |the |your )?(?:human|person|agent|team|colleague|manager|supervisor|specialist)`,
  ]),
  pt: rx([
    `(?:transferir|passar|encaminhar) ${any(2)}(?:para|pra|com) (?:uma |um |o |a )?(?:pessoa|atendente|humano|alguem)`,
    `(?:tem|existe|ha) (?:alguem|alguma pessoa|um atendente|um humano) (?:com quem|pra|para) (?:eu )?(?:possa )?(?:falar|conversar)`,
    'atendente humano|atendimento (?:humano|pessoal)|falar com gente|pessoa de verdade',
  ]),
  es: rx([
    `(?:pasar|transferir|pasarme|transferirme) ${any(2)}(?:con|a) (?:una |un )?(?:persona|agente|humano|alguien)`,
    `(?:hay|tienen|existe) (?:alguien|alguna persona|un agente|un humano) (?:con quien|que) (?:pueda|me pueda) (?:hablar|atender|ayudar)`,
    `(?:pasame|paseme|pasadme|comunicame|comuniqueme|transfiereme|transfierame) (?:con|a) `,
    'atencion (?:al cliente )?(?:humana|personal)|una persona de verdad',
  ]),
  fr: rx([
    `(?:y a t il|il y a|avez vous) (?:quelqu un|une personne|un conseiller|un humain) (?:a qui|avec qui|pour) (?:je )?(?:puisse |peux |pourrais )?(?:parler|m adresser)`,
    `(?:mettez|passez|transferez) moi (?:en relation )?(?:avec|a)`,
  ]),
  de: rx([
    `(?:gibt es|haben sie) (?:jemanden|einen menschen|einen mitarbeiter|eine person) ${any(2)}(?:sprechen|reden)`,
    'mit einem menschen|mit einer echten person|personlich sprechen',
  ]),
  id: rx([
    `(?:sambungin|sambungkan|hubungin|hubungkan|alihkan|oper|terusin|teruskan) (?:saya |aku |gue |gw )?(?:ke|sama|dengan|kepada) ${any(1)}(?:cs|customer service|admin|petugas|agen|operator|manusia|orang)`,
    `(?:cs|customer service|admin|petugas|agen|operator) (?:manusia|asli|beneran)`,
    `(?:ada|bisa) (?:orang|manusia|cs|admin|petugas) (?:yang )?(?:bisa )?(?:saya |aku )?(?:ajak )?(?:bicara|ngobrol|hubungi|telpon|telepon)`,
  ]),
  hi: rx([
    `(?:मेरी|मेरा) बात ${any(5)}से (?:करवाइए|करवाओ|कराइए|कराओ|करवा दीजिए|करा दीजिए)`,
    `(?:किसी इंसान|असली व्यक्ति|किसी व्यक्ति|कस्टमर केयर|किसी एजेंट|किसी प्रतिनिधि|किसी अधिकारी) से`,
  ]),
  'hi-Latn': rx([
    `(?:meri|mera) baat ${any(5)}se (?:karwao|karvao|karwaiye|karvaiye|karwa do|kara do)`,
    `(?:kisi|real|asli) (?:insaan|insan|bande|banda|aadmi|person|human|agent|executive) se`,
  ]),
};

export interface SignalOptions {
  /** `false` leaves out the signal classifiers (./signal-classifier): the phrase lists alone. */
  classifier?: boolean;
}

let lastClassified: { text: string; hits: ReturnType<typeof classifiedSignals> } | undefined;

/** The classifiers' sure signals for a message, computed once for it (several callers ask in turn). */
function classifiedSignalsOf(text: string): ReturnType<typeof classifiedSignals> {
  if (lastClassified?.text !== text) lastClassified = { text, hits: classifiedSignals(text) };
  return lastClassified.hits;
}

const EVIDENCE: Record<Exclude<EscalationSignal, 'repeat'>, (what: string) => string> = {
  human_request: (what) => `asks for a person ("${what}")`,
  legal: (what) => `a legal threat or a regulator ("${what}")`,
  fraud: (what) => `suspected fraud or a compromised account ("${what}")`,
  complaint: (what) => `an angry or formal complaint ("${what}")`,
};

/** What a signal's classifier says when it is sure enough alone: `the classifier (p 0.93)`, or undefined. */
function classified(text: string, signal: ClassifiedSignal, options: SignalOptions): string | undefined {
  if (options.classifier === false) return undefined;
  const hit = classifiedSignalsOf(text).find((h) => h.signal === signal);
  return hit ? `the classifier, p ${hit.p.toFixed(2)}` : undefined;
}

/**
 * A question about the company's practice — "how do you protect customers against fraud?", "what
 * is your complaints procedure?" — names a signal's word without reporting one. Only a signal
 * that matched one bare word gives way to it: "someone used my card, how do I block it?" still
 * escalates.
 */
const ASKS_ABOUT_PRACTICE = rx([
  'how do (?:you|u|your)|how does (?:your|the)|what do you do|what (?:measures|steps|protection|safeguards)|what (?:is|are) (?:your|the) (?:process|procedure|policy|policies)|do you (?:have|offer|provide)|protect|prevent|procedure|policy|policies|security',
  'como (?:protegen|proteges|protegeis|previenen|evitan)|que medidas|cual es (?:su|vuestra|el) (?:proceso|procedimiento|politica)|proteger|protegen|prevenir|procedimiento|politica',
  'como (?:voces|vcs|vc) (?:protegem|evitam|previnem)|quais (?:medidas|cuidados)|qual (?:e )?o (?:processo|procedimento)|protegem|proteger|prevenir|seguranca|politica',
  'comment (?:vous )?(?:protegez|proteger|evitez)|quelles (?:mesures|protections)|quelle est (?:votre|la) (?:procedure|politique)|protegez|proteger|procedure|politique',
  'wie (?:schutzt|schutzen|verhindert|verhindern)|welche (?:massnahmen|schutzmassnahmen)|wie (?:lauft|ist) (?:das|ihr) (?:verfahren|beschwerdeverfahren)|schutz|schutzen|verfahren|richtlinie',
  '(?:bagaimana|gimana) (?:kalian|anda|cara) (?:melindungi|mencegah)|melindungi|mencegah|prosedur|kebijakan|keamanan',
  'बचाने के लिए|बचाव|सुरक्षा|प्रक्रिया|नीति|जानकारी के लिए',
  'bachane ke liye|bachav|suraksha|security|process|procedure|policy|jaankari ke liye|janne ke liye',
]);

/** A rule's match that is one bare word ("fraud", "lawyer", "शिकायत"), not a phrase. */
const bareWord = (hit: string | undefined) => hit !== undefined && !/\s/u.test(hit.trim());

/** The signals in one message (the repeat signal needs the earlier ones: see `askedAgain`). */
export function escalationSignals(text: string, lang: GateLanguage = gateLanguage(text), options: SignalOptions = {}): SignalHit[] {
  const folded = foldWords(text);
  if (folded === '') return [];
  const hits: SignalHit[] = [];
  // A bare word of a signal in a question about the company's practice reports nothing.
  const aboutPractice = isQuestion(text) && ASKS_ABOUT_PRACTICE.test(folded);
  const reported = (hit: string | undefined) => (hit !== undefined && aboutPractice && bareWord(hit) ? undefined : hit);
  const person = phraseOf(PERSON, lang, folded) ?? phraseOf(PERSON_MORE, lang, folded) ?? BARE_PERSON.exec(folded)?.[0];
  if (person && !NOT_A_REQUEST.test(folded)) hits.push({ signal: 'human_request', evidence: EVIDENCE.human_request(person) });
  const legal = reported(phraseOf(LEGAL, lang, folded));
  if (legal) hits.push({ signal: 'legal', evidence: EVIDENCE.legal(legal) });
  const fraud = reported(phraseOf(FRAUD, lang, folded) ?? phraseOf(FRAUD_MORE, lang, folded));
  if (fraud) hits.push({ signal: 'fraud', evidence: EVIDENCE.fraud(fraud) });
  const complaint = reported(phraseOf(COMPLAINT, lang, folded) ?? phraseOf(COMPLAINT_MORE, lang, folded)) ?? angerMarks(text);
  if (complaint) hits.push({ signal: 'complaint', evidence: EVIDENCE.complaint(complaint) });
  // The phrase lists found nothing: the classifiers may, and the surest of them names the signal
  // (they are trained one against the answers, so they do not tell the signals apart well).
  if (hits.length === 0 && options.classifier !== false && classifierMayJudge(folded)) {
    const sure = classifiedSignalsOf(text)
      .filter((h): h is { signal: EscalationSignal & ClassifiedSignal; p: number } => h.signal !== 'billing_action')
      .filter((h) => h.signal !== 'human_request' || !NOT_A_REQUEST.test(folded))
      .sort((a, b) => b.p - a.p)[0];
    if (sure) hits.push({ signal: sure.signal, evidence: EVIDENCE[sure.signal](`the classifier, p ${sure.p.toFixed(2)}`) });
  }
  return hits;
}

/** Words a message needs before a signal classifier may judge it alone: fewer carry too few features for a linear model. */
export const MIN_CLASSIFIED_WORDS = 3;
/** Greetings, thanks and fillers in the listed languages: a message of these alone reports no signal. */
const SMALL_TALK_WORDS = new Set(
  (
    'hi hello hey hiya hallo hola ola oi bonjour salut halo namaste namaskar hai again there good morning afternoon evening day ' +
    'thanks thank you so much very a lot many thx ty cheers gracias muchas obrigado obrigada merci beaucoup danke vielen schon grazie ' +
    'terima kasih banyak dhanyavad shukriya bye goodbye adios tchau ciao see ok okay great perfect cool got it alright fine yes no please'
  ).split(' '),
);

/** Whether the signal classifiers may speak on a (folded) message: enough words, and not small talk alone ("hello again"). */
function classifierMayJudge(folded: string): boolean {
  const words = folded.split(' ').filter((w) => w !== '');
  return words.length >= MIN_CLASSIFIED_WORDS && !words.every((w) => SMALL_TALK_WORDS.has(w));
}

/** Shouting: several words in capitals and repeated exclamation marks together. */
function angerMarks(text: string): string | undefined {
  const caps =
    text
      .match(/\b[A-Z]{3,}\b/g)
      ?.filter((w) => !/^(?:SIM|PIN|PUK|USB|VAT|EUR|USD|GBP|IBAN|ATM|OTP|KYC|UPI|FAQ|ETA|ID|PDF|TV|PAC|STAC|ISP|ADSL|VDSL|DSL|LAN|WIFI|URL|API)$/.test(w)) ??
    [];
  const bangs = /[!?]{3,}/.test(text) || (text.match(/!/g)?.length ?? 0) >= 3;
  return caps.length >= 3 && bangs ? `${caps.slice(0, 3).join(' ')}…` : undefined;
}

// --- The same question again ------------------------------------------------------------------

const STOP = new Set(
  'a an and are as at be but by can could do does for from how i if in is it me my of on or so that the this to was what when where which who why will with you your please hi hello hey again still any yet ok el la los las de del y o en que es mi me un una por para le les et du des je est o os as um uma do da em eu meu minha der die das und ist ich mein nicht ein eine yang dan di ke saya ini itu apa hai ka ki ke se ko mera mujhe kya'.split(
    ' ',
  ),
);

function rootsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of fold(text).match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP.has(w)) continue;
    out.add(w.length > 5 ? w.slice(0, 5) : w);
  }
  return out;
}

/** How alike two messages are by their words (0..1): the share of the smaller's words the other has. */
export function sameQuestion(a: string, b: string): number {
  const x = rootsOf(a);
  const y = rootsOf(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const r of x) if (y.has(r)) shared += 1;
  return (shared / Math.min(x.size, y.size)) * (Math.min(x.size, y.size) / Math.max(x.size, y.size)) ** 0.25;
}

/** Alike enough to be the same question asked again. */
export const SAME_QUESTION = 0.6;

/** Alike enough when both are about the same request (the same intent, not a generic one). */
export const SAME_TOPIC = 0.15;

/**
 * How many of the earlier messages ask what this one asks: by their words, or, worded
 * differently, by a shared subject and a shared intent (`intentsOf`: the intents a message's
 * keywords point at, when given). A question counts too when it shares its subject with an
 * earlier question that already counts: "What's the return window for shoes?" → "How many days
 * do I have to send back shoes?" → "Until when can I return the sneakers?" is one question
 * asked three times although the last and the second share no word.
 */
export function askedAgain(text: string, earlier: readonly string[], intentsOf?: (t: string) => readonly string[]): number {
  if (rootsOf(text).size === 0) return 0;
  const generic = new Set(['question', 'other', 'greeting']);
  const mine = (intentsOf?.(text) ?? []).filter((i) => !generic.has(i));
  const asking = isQuestion(text);
  const questions = earlier.map(isQuestion);
  const counted = earlier.map((e, k) => {
    const alike = sameQuestion(text, e);
    if (alike >= SAME_QUESTION) return true;
    if (alike < SAME_TOPIC) return false;
    // Two questions about the same subject, worded differently: the same question asked again.
    if (asking && questions[k]) return true;
    if (mine.length === 0) return false;
    const theirs = intentsOf!(e);
    return mine.some((i) => theirs.includes(i));
  });
  // The thread: a question of the same subject as one already counted is the same question too.
  if (asking) {
    for (let grew = true; grew;) {
      grew = false;
      earlier.forEach((e, k) => {
        if (counted[k] || !questions[k]) return;
        if (earlier.some((o, j) => counted[j] && questions[j] && sameQuestion(e, o) >= SAME_TOPIC)) {
          counted[k] = true;
          grew = true;
        }
      });
    }
  }
  return counted.filter(Boolean).length;
}

/**
 * The customer says they are asking again or are still not helped: "third time I ask", "still
 * no answer", "you keep sending the general policy", in the gate's languages. With two earlier
 * messages, one of them on the same subject, that is the same question a third time however
 * differently it is worded (see `decide`).
 */
const INSISTS: Phrases = {
  en: rx([
    '(?:third|3rd|fourth|4th) time|(?:once|one) more time|(?:asking|ask|asked|tell|telling|told) (?:you )?(?:again|twice|three times|before|already)|i (?:already|have already|ve already) (?:asked|told|said|explained)',
    '(?:still|yet) (?:no|not|nothing|haven t|hasn t|can t|cannot|don t|doesn t|didn t|waiting|unable)|no (?:real |proper |clear )?(?:answer|reply|response) (?:yet|still)|(?:didn t|did not|don t|do not|never) (?:really )?answer|not what i asked|you keep (?:sending|pasting|giving|telling|saying|repeating|ignoring)|as i (?:said|asked|wrote)|i repeat',
  ]),
  es: rx([
    '(?:por )?(?:tercera|cuarta) vez|otra vez|de nuevo|nuevamente|sigo sin|sigue sin|todavia no|aun no|aun sin|ya (?:te |les |os )?(?:lo )?(?:pregunte|dije|pedi|explique)|(?:perdon|perdona|disculpa|disculpe) (?:la|por la) insistencia|no me (?:responden|contestan|respondeis|contestais)|me (?:siguen|sigues|seguis) (?:mandando|enviando|diciendo)|como (?:ya )?(?:dije|te dije)',
  ]),
  pt: rx([
    '(?:pela )?(?:terceira|quarta) vez|de novo|novamente|outra vez|continuo sem|continua sem|ainda (?:nao|sem)|ja (?:perguntei|pedi|falei|expliquei)|(?:voces|vc|vcs) (?:so|sempre) (?:me )?(?:mandam|manda|enviam|respondem)|sem resposta|como (?:eu )?(?:ja )?disse',
  ]),
  fr: rx([
    '(?:troisieme|quatrieme|3e) fois|de nouveau|a nouveau|encore une fois|je (?:vous )?(?:le )?redemande|toujours (?:pas|rien|aucune|sans)|(?:desole|desolee|pardon) d insister|je (?:vous )?l ai deja (?:demande|dit)|j ai deja (?:demande|pose)|vous me (?:renvoyez|redonnez|repondez toujours)|comme je (?:l ai )?(?:dit|ecrit)|je repete',
  ]),
  de: rx([
    '(?:zum )?(?:dritten|vierten) mal|(?:frag|frage|fragte) (?:jetzt |ich )?(?:nochmal|noch einmal|erneut|wieder)|nochmal|noch einmal|erneut|schon wieder|immer noch (?:nicht|kein|keine|nichts)|noch immer (?:nicht|kein|keine|nichts)|(?:habe|hab) (?:ich )?(?:schon|bereits) (?:gefragt|geschrieben|gesagt)|keine (?:richtige |echte )?antwort|wie (?:ich )?(?:schon )?(?:gesagt|geschrieben)',
  ]),
  id: rx([
    `(?:yang )?ke ?(?:tiga|3|empat) ?(?:kali|kalinya)|(?:tanya|nanya|bertanya|tanyakan|minta) (?:lagi|ulang)|sekali lagi|masih (?:belum|tidak|gak|nggak|ga|tetap)|(?:sudah|udah) (?:saya |aku )?(?:tanya|tanyakan|bilang|minta)|belum (?:dijawab|dibalas|ada jawaban)|(?:dikasih|dikirim|dikirimin|ngasih) ${any(2)}(?:terus|lagi)|(?:kok|kenapa) ${any(3)}terus`,
  ]),
  hi: rx(['फिर से|फिरसे|दोबारा|तीसरी बार|चौथी बार|अब भी|अभी तक|बार बार|बार-बार|पहले भी (?:पूछ|बता|कह)']),
  'hi-Latn': rx([
    'phir se|fir se|firse|dobara|dubara|teesri (?:baar|bar)|tisri (?:baar|bar)|abhi tak|ab bhi|ab tak|baar baar|bar bar|pehle bhi (?:pucha|bola|bataya)|kitni (?:baar|bar)',
  ]),
};

/** The customer says they ask again or are still not helped (the phrase, or undefined). */
export function insistsAgain(text: string, lang: GateLanguage = gateLanguage(text)): string | undefined {
  return phraseOf(INSISTS, lang, foldWords(text));
}

/** How many earlier messages share this one's subject at all (the looser test `decide` pairs with `insistsAgain`). */
export function sameSubject(text: string, earlier: readonly string[]): number {
  return earlier.filter((e) => sameQuestion(text, e) >= SAME_TOPIC).length;
}

const QUESTION_START = new RegExp(
  `^(?:${[
    'how',
    'what',
    'where',
    'when',
    'which',
    'why',
    'can',
    'could',
    'do',
    'does',
    'is',
    'are',
    'will',
    'como',
    'que',
    'donde',
    'cuando',
    'cual',
    'puedo',
    'puede',
    'hay',
    'o que',
    'onde',
    'quando',
    'qual',
    'posso',
    'tem como',
    'wie',
    'was',
    'wo',
    'wann',
    'welche',
    'kann',
    'konnen',
    'gibt es',
    'comment',
    'quoi',
    'ou',
    'quand',
    'quel',
    'quelle',
    'est ce',
    'puis je',
    'bagaimana',
    'gimana',
    'apa',
    'apakah',
    'di mana',
    'dimana',
    'kapan',
    'bisa',
    'berapa',
    'kaise',
    'kya',
    'kahan',
    'kab',
    'kitne',
    'kitna',
  ].join('|')})(?![\\p{L}\\p{N}])`,
  'u',
);
const QUESTION_WORDS_HI = /(?:क्या|कैसे|कहाँ|कहां|कब|कितने|कितना|बताइए|बता दीजिए|बताओ|बता दो)/u;

/** A question: a question mark, or a question word first (or anywhere, in Hindi). */
export function isQuestion(text: string): boolean {
  if (/[?¿？]/u.test(text)) return true;
  const folded = fold(text).trim();
  return QUESTION_START.test(folded) || QUESTION_WORDS_HI.test(text) || /(?:^|\s)(?:kaise|kya|kahan|kab|batao|bataiye|bata dijiye)(?:\s|$)/u.test(folded);
}
