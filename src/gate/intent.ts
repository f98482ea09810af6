/**
 * A keyword intent classifier for the offline path: no model, deterministic, multilingual
 * (English, German, Spanish, French, Portuguese, Italian, Dutch).
 *
 * - Each default intent has a keyword list; a keyword matches as whole words after folding
 *   (lowercase, accents stripped), with an optional plural "s"; a trailing `*` matches any ending.
 * - A custom intent (one the tenant declared that is not a default) is matched only by the
 *   words of its own name: `refund_request` by "refund…" and "request…".
 * - Only the intents passed in can win. Most distinct keywords wins; ties go to, in order,
 *   human_request, complaint, custom intents (as declared), billing, order_status, greeting.
 *   A greeting ("hi", "thanks") only wins when nothing else matched: "hi, where is my order?"
 *   is order_status.
 * - Nothing matched: `question` when the text is a question and `question` is allowed,
 *   else `other`.
 * - score = 1 − 0.5^hits (one keyword 0.5, two 0.75, three 0.875); the question fallback
 *   scores 0.3, `other` 0.2, an empty message 0.
 */
import { words } from '../llm/offline';
import { END, START, escapeRegExp, foldWords } from './normalize';

export interface IntentResult {
  intent: string;
  /** 0..1, how strongly the keywords point at the intent. */
  score: number;
  /** The keywords (or name words) that matched. */
  matched: string[];
  /** The other intents whose keywords matched too, strongest first. */
  also?: string[];
}

/** The languages of each keyword list's groups, in order. */
const GROUP_LANGUAGES = ['en', 'de', 'es', 'fr', 'pt', 'it', 'nl', 'id', 'hi', 'hi-Latn'] as const;
const split = (g: string) =>
  g
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
const list = (...groups: string[]): string[] & { byLanguage: Record<string, string[]> } =>
  Object.assign(groups.flatMap(split), { byLanguage: Object.fromEntries(groups.map((g, i) => [GROUP_LANGUAGES[i]!, split(g)])) });

export const INTENT_KEYWORDS: Readonly<Record<string, readonly string[] & { byLanguage: Record<string, string[]> }>> = {
  greeting: list(
    'hi,hello,hey,hiya,howdy,good morning,good afternoon,good evening,greetings,thanks,thank you,thx,cheers,bye,goodbye,see you,ok,okay,great,perfect,cool,got it,have a nice day',
    'hallo,guten tag,guten morgen,guten abend,servus,moin,gruss gott,gruezi,danke,vielen dank,tschuss,auf wiedersehen',
    'hola,buenos dias,buenas tardes,buenas noches,buenas,gracias,muchas gracias,adios,hasta luego,vale',
    'bonjour,bonsoir,salut,coucou,merci,merci beaucoup,au revoir,bonne journee',
    'ola,oi,bom dia,boa tarde,boa noite,obrigado,obrigada,tchau,ate logo',
    'ciao,buongiorno,buonasera,salve,grazie,arrivederci',
    'hoi,goedemorgen,goedemiddag,goedenavond,dank je,dank u,bedankt,tot ziens,doei',
    'halo,hai,selamat pagi,selamat siang,selamat sore,selamat malam,terima kasih,makasih,sampai jumpa',
    'नमस्ते,नमस्कार,धन्यवाद,शुक्रिया,अलविदा',
    'namaste,namaskar,dhanyavaad,dhanyawad,shukriya,theek hai',
  ),
  order_status: list(
    'order,orders,my order,order number,where is my,tracking,track,tracking number,shipped,shipping status,shipment,delivery,delivered,deliver,arrive,arrived,arriving,package,parcel,dispatch*,courier,in transit,not arrived,has not arrived,hasn t arrived,eta,when will it come',
    'bestellung,bestellungen,bestellnummer,sendung,sendungsverfolgung,paket,lieferung,geliefert,versand,versendet,zustellung,wo ist mein,wo bleibt,angekommen,ankommen,wann kommt,bestellten',
    'pedido,pedidos,numero de pedido,envio,enviado,seguimiento,rastreo,paquete,entrega,entregado,llegado,llegar,llega,donde esta mi',
    'commande,commandes,numero de commande,colis,livraison,livre,expedie,expedition,suivi,numero de suivi,ou est ma,ou en est,arrive,recu,recevoir,recevrai',
    'encomenda,rastreio,rastreamento,pacote,entregue,entrega,chegou,chegar,chega,onde esta',
    'ordine,ordinato,spedizione,spedito,pacco,consegna,consegnato,tracciamento,arrivato,dov e',
    'bestelling,bestellingen,pakket,pakketje,levering,bezorging,bezorgd,geleverd,verzonden,track en trace,waar is mijn,aangekomen',
    'pesanan,pesanan saya,paket,pengiriman,kiriman,dikirim,resi,nomor resi,lacak,belum sampai,sampai,diterima,kurir',
    'ऑर्डर,डिलीवरी,पार्सल,पैकेट,ट्रैकिंग,कब आएगा,कब आएगी,कब मिलेगा,कब मिलेगी,पहुंचा,पहुँचा,शिपमेंट,कूरियर',
    'order kab,delivery,parcel,packet,tracking,kab aayega,kab aayegi,kab milega,kab milegi,pahuncha,nahi aaya,courier',
  ),
  billing: list(
    'invoice,bill,billing,billed,charge,charged,payment,pay,paid,refund*,credit card,debit card,card,receipt,price,cost,fee,subscription,overcharged,double charged,vat,tax,money back,transaction,discount,coupon,voucher',
    'rechnung,zahlung,bezahlt,bezahlen,abbuchung,abgebucht,erstattung,ruckerstattung,geld zuruck,gebuhr,kreditkarte,quittung,preis,abo,abonnement,mwst,gutschein,rabatt',
    'factura,cobro,cobrado,cobraron,pago,pagar,pague,reembolso,devolucion del dinero,tarjeta,recibo,precio,cargo,suscripcion,iva,descuento,cupon',
    'facture,facturation,paiement,paye,payer,prelevement,preleve,remboursement,rembourser,rembourse,carte bancaire,prix,frais,tva,debite,reduction',
    'fatura,cobranca,cobrado,cobraram,pagamento,paguei,estorno,cartao,preco,taxa,assinatura,desconto,cupom',
    'fattura,addebito,addebitato,pagamento,pagare,pagato,rimborso,carta di credito,ricevuta,prezzo,costo,abbonamento,sconto',
    'factuur,rekening,betaling,betalen,betaald,afgeschreven,terugbetaling,geld terug,creditcard,prijs,kosten,korting',
    'tagihan,pembayaran,bayar,dibayar,pengembalian dana,uang kembali,kartu kredit,harga,biaya,langganan,diskon,potongan',
    'बिल,भुगतान,पेमेंट,रिफंड,शुल्क,चार्ज,कीमत,दाम,पैसे कट,किस्त',
    'bill,payment,paise,paisa,refund,charge,kimat,daam,paise kat,emi',
  ),
  complaint: list(
    'complaint,complain,unhappy,disappointed,terrible,awful,horrible,worst,unacceptable,ridiculous,angry,furious,frustrated,broken,damaged,defective,faulty,wrong item,poor service,bad service,rude,scam,never again,not happy,not working,doesn t work,does not work,useless,disgusting,waste of money,fed up',
    'beschwerde,beschweren,unzufrieden,enttauscht,schrecklich,furchtbar,unverschamt,inakzeptabel,kaputt,beschadigt,defekt,frechheit,argerlich,schlechter service,funktioniert nicht',
    'queja,reclamacion,reclamo,quejarme,insatisfecho,decepcionado,terrible,horrible,pesimo,inaceptable,roto,danado,defectuoso,mal servicio,estafa,indignado,harto,no funciona',
    'plainte,reclamation,mecontent,decu,inadmissible,inacceptable,scandaleux,nul,casse,endommage,defectueux,honteux,arnaque,furieux,ne marche pas,ne fonctionne pas',
    'reclamacao,reclamar,insatisfeito,decepcionado,pessimo,horrivel,inaceitavel,quebrado,danificado,defeituoso,absurdo,golpe,vergonha,nao funciona',
    'reclamo,lamentela,insoddisfatto,deluso,pessimo,orribile,inaccettabile,rotto,danneggiato,difettoso,vergogna,truffa,arrabbiato,non funziona',
    'klacht,klagen,ontevreden,teleurgesteld,slecht,verschrikkelijk,onacceptabel,kapot,beschadigd,defect,schandalig,oplichting,boos,werkt niet',
    'keluhan,komplain,kecewa,buruk,parah,rusak,cacat,tidak berfungsi,tidak bisa dipakai,marah,kesal',
    'शिकायत,खराब,बेकार,टूटा,टूटी,घटिया,नाराज़,नाराज',
    'shikayat,complaint,kharab,bekaar,bekar,toota,tuta,ghatiya,bakwas,naraz',
  ),
  human_request: list(
    'human,real person,a person,someone real,agent,live agent,representative,operator,speak to someone,talk to someone,speak with someone,talk to a person,speak to a person,customer service rep,manager,supervisor,call me,call me back',
    'mensch,mitarbeiter,echte person,echten menschen,menschlichen,berater,kundenberater,mit jemandem sprechen,vorgesetzten,ruckruf,rufen sie mich an',
    'humano,persona real,agente,asesor,operador,representante,hablar con alguien,hablar con una persona,encargado,supervisor,llamenme',
    'humain,vraie personne,conseiller,operateur,parler a quelqu un,parler a une personne,responsable,superviseur,rappelez moi',
    'pessoa real,atendente,falar com alguem,falar com uma pessoa,gerente,me liguem',
    'umano,persona reale,operatore,parlare con qualcuno,parlare con una persona,responsabile,supervisore,richiamatemi',
    'een mens,echt mens,echte mens,medewerker,echt persoon,echte persoon,iemand spreken,spreken met iemand,leidinggevende,bel me,terugbellen',
    'manusia,orang asli,petugas,agen,bicara dengan,hubungi saya',
    'इंसान,एजेंट,असली इंसान',
    'insaan,insan,asli insaan',
  ),
};

export const DEFAULT_INTENT_NAMES = ['greeting', 'question', 'order_status', 'billing', 'complaint', 'human_request', 'other'];

/** Tie-break order; custom intents sit where `*` is, in the order they were declared. */
const PRIORITY = ['human_request', 'complaint', '*', 'billing', 'order_status', 'greeting'];

const QUESTION_START = new RegExp(
  `^(?:${[
    'how,what,when,where,why,which,who,whom,whose,can,could,would,will,is,are,do,does,did,should,may,have,has,shall,am,was,were',
    'wie,was,wann,wo,warum,wieso,weshalb,welche,welcher,welches,kann,konnen,gibt,ist,sind,habt,haben,darf,muss',
    'como,que,cuando,donde,por que,cual,cuales,quien,puedo,puede,pueden,hay,tienen,es posible',
    'comment,quoi,quand,ou,pourquoi,quel,quelle,quels,quelles,est ce que,puis je,pouvez,avez,peut on,combien',
    'onde,quando,porque,por que,qual,quais,quem,posso,pode,podem,tem,quanto',
    'come,cosa,dove,perche,quale,quali,chi,potete,avete,quanto,c e',
    'hoe,wat,wanneer,waar,waarom,welke,kan,kunt,kunnen,heeft,hebben,mag,is',
  ]
    .join(',')
    .split(',')
    .map(escapeRegExp)
    .join('|')})${END}`,
  'u',
);

function keywordPattern(keyword: string): RegExp {
  const prefix = keyword.endsWith('*');
  const body = escapeRegExp(foldWords(prefix ? keyword.slice(0, -1) : keyword)).replace(/ /g, ' +');
  return new RegExp(`${START}${body}${prefix ? '[\\p{L}\\p{N}]*' : '(?:s|es)?'}${END}`, 'u');
}

type Compiled = Array<{ keyword: string; pattern: RegExp; language: string }>;
const COMPILED = new Map<string, Compiled>(
  Object.entries(INTENT_KEYWORDS).map(([intent, keywords]) => [
    intent,
    Object.entries(keywords.byLanguage).flatMap(([language, words]) =>
      words.map((keyword) => ({ keyword: keyword.replace(/\*$/, ''), pattern: keywordPattern(keyword), language })),
    ),
  ]),
);

/** The words of a custom intent's name that can match: "refund_request" → refund*, request*. */
function nameKeywords(intent: string): Array<{ keyword: string; pattern: RegExp }> {
  return [...new Set(words(intent.replace(/[_-]+/g, ' ')))].filter((w) => w.length >= 3).map((w) => ({ keyword: w, pattern: keywordPattern(`${w}*`) }));
}

/** Whether the text reads as a question: a question mark, or a question word first. */
export function isQuestion(text: string): boolean {
  if (/[?¿？]/.test(text)) return true;
  return QUESTION_START.test(foldWords(text));
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * `language` (a code, as `gateLanguage` tells it): only that language's keywords and English's
 * apply, so Indonesian "rekening" (account) is not read as Dutch "rekening" (bill). Without it,
 * every language's keywords apply.
 */
export function classifyIntent(text: string, intents: string[], language?: string): IntentResult {
  const folded = foldWords(text);
  if (folded === '') return { intent: 'other', score: 0, matched: [] };

  const allowed = [...new Set(intents)];
  const custom = allowed.filter((i) => !COMPILED.has(i) && !DEFAULT_INTENT_NAMES.includes(i));
  const candidates = allowed
    .map((intent) => {
      const known = COMPILED.get(intent)?.filter((k) => language === undefined || k.language === 'en' || k.language === language);
      const keywords = known ?? (custom.includes(intent) ? nameKeywords(intent) : []);
      const matched = [...new Set(keywords.filter((k) => k.pattern.test(folded)).map((k) => k.keyword))];
      const rank = custom.includes(intent) ? PRIORITY.indexOf('*') + custom.indexOf(intent) / (custom.length + 1) : PRIORITY.indexOf(intent);
      return { intent, matched, rank: rank < 0 ? PRIORITY.length : rank };
    })
    .filter((c) => c.matched.length > 0);

  const substantive = candidates.filter((c) => c.intent !== 'greeting');
  const pool = substantive.length > 0 ? substantive : candidates;
  const ranked = [...pool].sort((a, b) => b.matched.length - a.matched.length || a.rank - b.rank);
  const best = ranked[0];
  const also = ranked.slice(1).map((c) => c.intent);
  if (best) return { intent: best.intent, score: round(1 - 0.5 ** best.matched.length), matched: best.matched, ...(also.length > 0 ? { also } : {}) };

  if (allowed.includes('question') && isQuestion(text)) return { intent: 'question', score: 0.3, matched: [] };
  return { intent: 'other', score: 0.2, matched: [] };
}
