/**
 * The injection layers beyond the core word rules (./injection-rules): extraction without the
 * usual trigger words, requests to encode the instructions, instructions hidden in pasted
 * content, claimed authority, fake role markers in other languages, and override, extraction and
 * persona in Hindi (Devanagari and Latin letters) and Indonesian, with more German, Spanish,
 * Portuguese and French. Each rule is a kind of attack, not a sentence: weights follow
 * ./injection-rules (≥ 0.5 detects alone; weaker ones only add up).
 *
 * Patterns are written folded (lowercase, no accents) and folded again when compiled, so a
 * Devanagari pattern loses its vowel signs exactly as the text it runs over does.
 */
import type { Rule } from './injection-rules';

const W = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const any = (n: number) => `(?:[\\p{L}\\p{N}]+ ){0,${n}}`;
const foldPattern = (p: string) => p.normalize('NFD').replace(/\p{M}+/gu, '');
const words = (alternatives: string[]) => new RegExp(alternatives.map((a) => `${W}(?:${foldPattern(a)})${E}`).join('|'), 'u');
const raw = (source: string) => new RegExp(foldPattern(source), 'u');

/** What the assistant was given, in the words attackers use for it. */
const GIVEN =
  '(?:your |the |my |these |those |its )?(?:system prompt|system message|initial prompt|initial instructions|original instructions|original prompt|hidden prompt|pre prompt|preprompt|initiali[sz]ation (?:string|prompt|text|message|instructions)|instructions you (?:were|have been) given|text (?:given|provided|sent|shown) to you|instructions (?:given|provided) to you|words above|text above|above text|previous text|the prompt|your prompt|your instructions|your rules|your guidelines|your configuration|your config|your directives|your programming|your context|your initial|your setup)';

const ENCODINGS =
  '(?:base ?64|base ?32|hex|hexadecimal|hex codes?|rot ?13|rot ?47|caesar|binary|morse|pig latin|leet ?speak|l33t|ascii (?:codes|values)|unicode (?:codes|escapes)|url encod\\p{L}*|reverse order|backwards|reversed|emoji|acrostic|one letter per line|spaced out letters|separated by (?:pipes|dashes|spaces|commas))';

export const LAYER_WORD_RULES: Rule[] = [
  // --- Extraction without "reveal" or "system prompt"
  {
    id: 'extraction_format',
    weight: 0.8,
    decoded: true,
    pattern: words([
      `(?:put|place|write|wrap|format|paste|copy|dump|print|output|show|display|give|share|send|list|type|render|reproduce|return|include|insert|quote|summari[sz]e|paraphrase|rephrase|rewrite|tokeni[sz]e|translate|convert|encode|spell) ${any(3)}${GIVEN}`,
      `output ${any(1)}initiali[sz]ation`,
      `(?:start|begin|preface|prefix|open) (?:your |the )?(?:answer|response|reply|output|message) with ${any(2)}(?:my instructions|my rules|my prompt|my system|you are|i was told|i am instructed|here are my)`,
      `(?:what|everything|anything) (?:was|is|s|has been|were) (?:written|said|typed|stated|given|provided) ${any(3)}(?:above|before this|at the (?:beginning|start|top)|earlier in (?:this|the) (?:prompt|conversation|chat))`,
      `(?:go|read|walk) (?:line by line|word by word|through) ${any(4)}(?:above|before this (?:message|line)|at the (?:beginning|start|top))`,
      `(?:first|last|initial|opening|top) (?:\\p{N}+ |two |three |five |ten |few |hundred )?(?:sentences?|lines?|words|paragraphs?|messages?|characters|tokens) (?:of|in) (?:this|the|your) (?:chat|conversation|prompt|instructions|context|system|session|message)`,
      `(?:repeat|print|output|copy|rewrite|reproduce|show) (?:the |all )?(?:above|previous|preceding|prior|earlier) (?:text|words|message|messages|lines|content|instructions|prompt|conversation)`,
      '(?:use|using|include|with) (?:also )?(?:the )?(?:information|text|content|instructions) (?:in|from|of) (?:the|your|this) (?:prompt|system prompt|instructions|context)',
    ]),
  },
  {
    id: 'encode_request',
    weight: 0.85,
    decoded: true,
    pattern: words([
      `(?:encode|convert|translate|write|output|print|display|show|give|spell|render|put|return|send|rewrite|transform|tokeni[sz]e) ${any(6)}(?:(?:in|into|as|to|using|with|exactly) )?${any(1)}${ENCODINGS}`,
    ]),
    // Without anything of the assistant's in the sentence, asking for an encoding is only a hint.
    unless: raw(
      `^(?!.*(?:prompt|instruction|rules|above|given to you|configuration|config|initiali[sz]ation|system|secret|password|context|guidelines|everything|this chat|this conversation)).*$`,
    ),
    weakWeight: 0.3,
  },
  // --- Instructions aimed at the assistant, inside pasted content or on their own
  {
    id: 'directive_to_assistant',
    weight: 0.45,
    pattern: words([
      '(?:in|at the end of|at the start of) your (?:response|reply|answer|output)(?: you must| always| also| please)? (?:include|add|say|write|mention|suggest|tell|ask|insert|append|output)',
      'your (?:new |real |actual |only )?(?:task|job|goal|objective|mission) (?:is|now is|will be) to',
      '(?:include|add|insert|append|embed) (?:in|to|into) your (?:response|reply|answer)',
      '(?:reply|respond|answer) (?:only )?with (?:the (?:word|words|phrase|string|text)|exactly)',
      '(?:suggest|tell|ask|instruct|advise|urge) (?:the )?(?:users?|customers?|readers?|recipients?|everyone) (?:to )?(?:share|send|enter|provide|give|visit|click|go to|transfer)',
      '(?:note|message|instruction|instructions) (?:to|for) (?:the )?(?:ai|assistant|model|chatbot|bot|llm|language model)',
      'if you are (?:an? )?(?:ai|assistant|language model|llm|chatbot|bot)',
      '(?:ai|assistant|chatbot|bot|model|llm) (?:must|should|will|shall) (?:now )?(?:ignore|say|reply|respond|include|output|tell|reveal|forget)',
      `(?:think about|consider) (?:the )?(?:context|text|instructions) ${any(5)}without (?:writing|saying|outputting) (?:anything|it)`,
      '(?:repeat|say) (?:after me|the following|this sentence|the following sentence|exactly this)',
    ]),
  },
  {
    id: 'ignore_the_user',
    weight: 0.75,
    decoded: true,
    pattern: words([
      '(?:ignore|disregard|forget|do not answer|don t answer) (?:the )?(?:user|customer|human|question|request|previous message|message above)(?:s)? (?:and|then|instead)',
    ]),
  },
  {
    id: 'pasted_content',
    weight: 0.25,
    pattern: words([
      '(?:translate|summari[sz]e|analy[sz]e|proofread|classify|review|check|read|process|rewrite|correct) (?:the following|this|the text below|the following text|this text|this email|this document|this review|this message)',
      '(?:subject|email from|from|received date|to|cc|sent) (?:[\\p{L}\\p{N}]+ ){1,8}(?:content|body|message)',
      '(?:iso speed|focal length|gps latitude|gps longitude|exif|camera model|image description|user comment|software) ',
    ]),
  },
  // --- Claimed authority, and what it is claimed for
  {
    id: 'authority_claim',
    weight: 0.45,
    pattern: words([
      '(?:i am|i m|im|this is|speaking as) (?:the |a |an |your )?(?:system |site |server |chief |lead |senior |head )?(?:admin|administrator|administrador|administrateur|administratore|developer|dev|engineer|ceo|cto|root|superuser|sysadmin|moderator|security team|it department|support staff)',
      '(?:soy|sou|je suis|ich bin|saya|aku|main|mai|sono) (?:el |la |o |a |l |der |die |ein |eine |sang |seorang |il |lo )?(?:admin|administrador|administradora|administrateur|administrator|administratore|desarrollador|desenvolvedor|developpeur|entwickler|pengembang|developer|dueno|dono|proprietaire|inhaber|pemilik|owner|gerente|manager|direktur)',
      '(?:company|system|website|app) (?:ka|ki|ke) (?:admin|owner|developer|malik) (?:hu|hoon|hun|hai)',
      '(?:admin|root|sudo|god|superuser) (?:access|override|privileges?|rights|level access)|(?:debug|god|sudo|maintenance) mode',
      '(?:authori[sz]ed|verified|approved|cleared) (?:by|from) (?:the )?(?:admin|administrator|developers?|security|management|openai|anthropic|your (?:creators?|developers?))',
      'for (?:security|compliance|audit|testing|debugging|verification) (?:purposes|verification|reasons|check)',
      'you are running (?:as part of|in|inside) (?:a )?(?:test|debug|evaluation|development|maintenance)',
    ]),
  },
  {
    id: 'exfiltration',
    weight: 0.45,
    pattern: words([
      '(?:all|every|other|each) (?:the )?(?:users?|customers?|clients?|members?|accounts?) ?(?:s )?(?:passwords?|data|details|records|emails|phone numbers|credit cards?|addresses|information|credentials)',
      '(?:user|customer|admin) (?:passwords|credentials|database|records)',
      '(?:confidential|internal|private|secret|restricted) (?:data|information|documents?|files|records|procedures?)',
      'dados confidenciais|datos confidenciales|donnees confidentielles|vertrauliche daten|data rahasia|data pribadi nasabah|data nasabah|gopniya|गोपनीय',
      '(?:without|bypass(?:ing)?|skip(?:ping)?|no) (?:full |complete |any )?(?:authentication|verification|identity check|login|kyc)',
      'tanpa (?:autentikasi|otentikasi|verifikasi)|sin (?:autenticacion|verificacion)|sem (?:autenticacao|verificacao)|sans (?:authentification|verification)|ohne (?:authentifizierung|verifizierung)',
      'sab (?:user|users|customers?) (?:ke |ka |ki )?(?:passwords?|data)',
    ]),
  },
  // --- Override, extraction and persona in the other listed languages
  {
    id: 'ignore_instructions',
    weight: 0.9,
    decoded: true,
    pattern: words([
      // Indonesian
      `(?:abaikan|lupakan|acuhkan|hiraukan|tinggalkan|jangan (?:ikuti|patuhi|hiraukan)|lewati|buang) ${any(3)}(?:instruksi|perintah|aturan|petunjuk|arahan|prompt|pedoman|batasan)`,
      `(?:instruksi|perintah|aturan|petunjuk|arahan) ${any(3)}(?:sebelumnya|sebelum ini|di atas|lama) ${any(3)}(?:abaikan|lupakan|tidak berlaku|batal)`,
      // Hindi (Devanagari)
      `(?:पिछले|पहले|पुराने|ऊपर|सभी|सारे|अपने|इन) ${any(3)}(?:निर्देश|निर्देशों|नियम|नियमों|इंस्ट्रक्शन|हिदायत|हिदायतें) ${any(3)}(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल|भूल जाओ|मत मानो|छोड़|इग्नोर)`,
      `(?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल जाओ|इग्नोर) ${any(2)}(?:करो|कर दो|करें) ${any(3)}(?:निर्देश|नियम)`,
      // Hinglish
      `(?:pichle|pichhle|purane|pehle ke|pehle wale|upar ke|upar wale|sabhi|saare|sare|apne|is chat ke) ${any(3)}(?:nirdesh|instructions?|niyam|rules|hidayat|hidayaten|prompt) ${any(3)}(?:nazarandaaz|nazarandaz|nazar andaz|ignore|bhool|bhul|chhod|chod|mat mano|mat maano|cancel)`,
      `(?:ignore|bhool|bhul|chhod|chod) (?:karo|kar do|kardo|jao|ja) ${any(3)}(?:nirdesh|instructions?|niyam|rules|hidayat)`,
      // German, Spanish, Portuguese, French: setting the earlier instructions aside without "ignore"
      `(?:abweichend (?:von|zu)|entgegen|statt|anstelle|unabhangig von|ohne rucksicht auf) ${any(2)}(?:vorherigen|bisherigen|obigen|fruheren|alten|deinen|allen) ${any(1)}(?:instruktionen|anweisungen|vorgaben|regeln|befehlen|richtlinien)`,
      `(?:en lugar de|a diferencia de|sin importar|contrario a) ${any(2)}(?:las )?(?:instrucciones|reglas|indicaciones) (?:anteriores|previas)`,
      `(?:ao contrario das|em vez das|independentemente das) (?:instrucoes|regras) (?:anteriores|previas)`,
      `(?:contrairement aux|au lieu des|sans tenir compte des) (?:instructions|regles|consignes) (?:precedentes|anterieures)`,
    ]),
  },
  {
    id: 'reveal_secret',
    weight: 0.85,
    decoded: true,
    pattern: words([
      `(?:tunjukkan|tampilkan|perlihatkan|berikan|kasih tahu|beri tahu|beritahu|sebutkan|bocorkan|ungkapkan|tuliskan|tulis|cetak|ulangi|salin|jelaskan) ${any(4)}(?:prompt sistem|system prompt|instruksi (?:awal|sistem|rahasia|asli|internal)|perintah (?:awal|sistem|rahasia)|aturan (?:rahasia|internal|sistem)|konfigurasi (?:kamu|anda|sistem)|instruksi (?:kamu|anda|mu)|prompt (?:kamu|anda|mu|awal))`,
      `(?:सिस्टम प्रॉम्प्ट|system prompt|सिस्टम संदेश|गुप्त निर्देश|छिपे निर्देश|अपने निर्देश|अपने नियम|आंतरिक निर्देश|शुरुआती निर्देश) ${any(3)}(?:दिखाओ|दिखाइए|बताओ|बताइए|लिखो|प्रिंट|शेयर|दोहराओ|बता दो|दिखा दो)`,
      `(?:system prompt|apna prompt|apne instructions|apne nirdesh|apne rules|apni setting|secret instructions|hidden instructions|initial instructions|andar ke instructions) ${any(3)}(?:dikhao|dikha do|batao|bata do|likho|likh do|print karo|share karo|bhejo|repeat karo)`,
      `(?:muestrame|dime|revela|escribe|imprime|copia|repite|pon) ${any(3)}(?:tus instrucciones|tu prompt|tus reglas|tu configuracion|las instrucciones (?:iniciales|originales|que te dieron))`,
      `(?:mostre|diga|revele|escreva|imprima|copie|repita|coloque) ${any(3)}(?:suas instrucoes|seu prompt|suas regras|sua configuracao|as instrucoes (?:iniciais|originais|que te deram))`,
      `(?:zeig|zeige|nenne|verrate|wiederhole|schreib|schreibe|gib|drucke|kopiere) ${any(3)}(?:deine anweisungen|deinen prompt|deine regeln|deine konfiguration|deine instruktionen|die (?:ursprunglichen|anfanglichen|ersten) (?:anweisungen|instruktionen))`,
      `(?:montre|dis|revele|ecris|imprime|copie|repete|affiche) ${any(3)}(?:tes instructions|ton prompt|tes regles|ta configuration|tes consignes|les instructions (?:initiales|originales|qu on t a donnees))`,
    ]),
  },
  {
    id: 'act_as_persona',
    weight: 0.55,
    pattern: words([
      // Indonesian
      `(?:kamu|anda|engkau|lu|lo) (?:sekarang |mulai sekarang |kini )?(?:adalah|berperan sebagai|bertindak sebagai|berpura pura (?:menjadi|sebagai)|jadi|menjadi|sebagai) ${any(3)}(?:operator|admin|administrator|hacker|peretas|developer|pengembang|ai tanpa|asisten tanpa|karakter|dan|jailbreak|sistem|internal|petugas internal|karyawan internal)`,
      '(?:berpura pura|pura pura|berperanlah|bertindaklah|anggap (?:dirimu|kamu|anda))(?: (?:menjadi|sebagai|adalah))?',
      // Hindi and Hinglish
      `(?:तुम|आप|तू) (?:अब|आज से) ${any(4)}(?:हो|हैं|बन जाओ|बनो|की तरह)`,
      '(?:का|की) (?:रोल|किरदार|भूमिका) (?:निभाओ|निभाओगे|निभाइए|निभाना|करो|अदा करो|प्ले)|(?:होने का|बनने का) (?:नाटक|दिखावा) करो',
      `(?:tum|aap|tu) (?:ab|aaj se|abhi se) ${any(4)}(?:ho|hai|hain|ban jao|bano|ki tarah)`,
      `(?:ka|ki) (?:role|roleplay|role play|kirdar) (?:karo|nibhao|play karo)|(?:hone ka|banne ka) (?:natak|dikhawa|naatak) karo|ki tarah (?:behave|act|baat) karo`,
      // Spanish, Portuguese, French, German
      `(?:ahora )?(?:eres|seras|actua como|finge ser|haz de|interpreta (?:a|el papel de)) ${any(2)}(?:un |una |el |la )?(?:hacker|ia sin|asistente sin|dan|administrador|desarrollador|modo desarrollador|personaje)`,
      `(?:agora )?(?:voce e|voce sera|aja como|finja ser|finja que e|interprete) ${any(2)}(?:um |uma |o |a )?(?:hacker|ia sem|assistente sem|dan|administrador|desenvolvedor|personagem)`,
      `(?:maintenant )?(?:tu es|tu seras|agis comme|fais semblant d etre|joue le role d?e?) ${any(2)}(?:un |une |le |la )?(?:hacker|ia sans|assistant sans|dan|administrateur|developpeur|personnage)`,
      `(?:du bist (?:jetzt|ab sofort|nun)|tu so als (?:ob|warst) du|spiele die rolle|verhalte dich wie) ${any(3)}`,
    ]),
  },
  {
    id: 'ignore_question_and_output',
    weight: 0.85,
    decoded: true,
    pattern: words([
      // "Ignore the question above and output: …", in the listed languages
      `(?:ignore|ignoriere|ignorieren sie|ignorier|ignora|ignore|ignorez|ignorer|ignorem|abaikan|lupakan|disregard|forget|vergiss|olvida|oublie|esqueca) ${any(3)}(?:question|questions|prompt|message|request|order|task|input|text|frage|fragen|eingabeaufforderung|anweisung|nachricht|aufgabe|probleme|fragenanweisungen|pregunta|preguntas|orden|mensaje|solicitud|problemas|tarea|question|demande|consigne|pergunta|perguntas|pedido|mensagem|tarefa|pertanyaan|permintaan|pesan|tugas)`,
      `(?:vorherige|vorherigen|obige|obigen|diese|oben genannten|letzte) ${any(1)}(?:eingabeaufforderung|frage|fragen|anweisung|anweisungen|probleme|aufgabe|nachricht|fragenanweisungen) ${any(3)}(?:ignorieren|vergessen|ausser acht lassen)`,
      `(?:प्रश्न|प्रश्नों|सवाल|संकेत|आदेश|निर्देश|निर्देशों|बातों|संदेश) ${any(5)}(?:अनदेखा|ध्यान न दें|ध्यान मत दो|उपेक्षा|नज़रअंदाज़|नजरअंदाज|भूल जाओ|इग्नोर)`,
      `(?:sawal|prashn|question|nirdesh|instructions) ${any(3)}(?:ignore karo|ignore kar do|nazarandaaz karo|dhyan mat do|bhool jao|bhul jao)`,
    ]),
    // The customer's own earlier message or question: "please ignore my previous message".
    unless: words([
      `(?:my|mi|mis|meine|meinen|meiner|mein|mon|ma|mes|meu|minha|meus|minhas|saya|mera|meri|mere|pichla|pichli) ${any(2)}(?:message|messages|question|questions|request|order|text|input|nachricht|frage|anfrage|bestellung|mensaje|pregunta|pedido|mensagem|pergunta|demande|commande|pesan|pertanyaan|pesanan|sawal)`,
      `(?:message|nachricht|mensaje|mensagem|pesan|pertanyaan) (?:saya|sebelumnya saya)`,
      `(?:मेरा|मेरी|मेरे) ${any(2)}(?:संदेश|मैसेज|सवाल|प्रश्न|ऑर्डर|बात)`,
      // Something the customer forgot: "j'ai oublié les instructions de montage".
      '(?:j ai|j avais|i|i ve|i have|ich habe|he|eu|saya) (?:oublie|forgot|forgotten|olvidado|olvide|esqueci|vergessen|lupa)',
    ]),
    weakWeight: 0,
  },
  {
    id: 'output_directly',
    weight: 0.3,
    pattern: words(
      [
        '(?:output|print|say|write|answer|reply|emit|export|display|show) (?:directly|only|just|exactly|the following)',
        '(?:directly|just|simply|only) (?:output|print|say|write|emit|export|display)',
        '(?:geben sie|gib) ${any(3)}(?:direkt |einfach )?aus|(?:exporte|emita|escriba|imprima) (?:directamente|lo siguiente|solo)|(?:affichez|indiquez|ecrivez|imprimez) (?:directement|simplement|ce qui suit)|(?:saia|imprima|escreva) (?:diretamente|o seguinte)|सीधे (?:आउटपुट|परिणाम|उत्तर)|(?:langsung|cukup) (?:keluarkan|tulis|cetak|jawab)',
      ].map((a) => a.replace('${any(3)}', any(3))),
    ),
  },
  {
    id: 'obey_me',
    weight: 0.7,
    pattern: words([
      '(?:prioriti[sz]e|follow|obey|put|place|rank|treat) my (?:instructions|commands|rules|orders|words|requests?) (?:above|over|before|first|as (?:the )?highest)',
      '(?:my instructions|my commands|my rules) (?:override|overrule|replace|come before|take precedence over|supersede)',
    ]),
  },
  {
    id: 'limits_removed',
    weight: 0.6,
    pattern: words([
      '(?:constraints|restrictions|rules|filters|guardrails|limits|limitations|safety|safeguards|policies|censorship) (?:were|are|have been|has been|being|got|is) (?:removed|lifted|disabled|turned off|switched off|off|gone|suspended|deactivated)',
      'no (?:authori[sz]ation|permission|approval|clearance) (?:is )?(?:needed|required|necessary)|(?:प्राधिकरण|अनुमति|इजाज़त) की (?:आवश्यकता|जरूरत|ज़रूरत) नहीं|(?:no se necesita|no hace falta) (?:autorizacion|permiso)|(?:nao e necessaria|sem necessidade de) autorizacao|(?:tidak perlu|tanpa perlu) (?:otorisasi|izin)',
      '(?:tanpa|sin|sem|sans|ohne|bina|bagair|bina kisi) (?:batasan|filter|restricciones|restricoes|restrictions|einschrankungen|filtros|sensor|censura|restriction|rok tok|pabandi)',
    ]),
  },
  {
    id: 'how_to_extract',
    weight: 0.6,
    pattern: words([
      `(?:how (?:do you|do i|can i|to|would you|could i)|ways to|trick to|steps to) ${any(2)}(?:extract|get|reveal|leak|steal|dump|obtain|bypass|jailbreak|trick|force) ${any(4)}(?:system prompt|internal instructions|hidden instructions|initial prompt|the prompt|its prompt|instructions of|admin access|admin level|other users|customer data|user data)`,
      `(?:system prompt|internal instructions|admin access|password|passwords|data) (?:reveal|leak|hack|bypass|nikal|nikalna|chura|extract|access) (?:kaise|kese)`,
      `(?:system prompt|internal|andar ka data|andar ke|admin (?:level )?access|admin panel|password|passwords|database|customer data|user data) ${any(3)}(?:kaise|kese|kaisa) ${any(1)}(?:nikalte|nikale|nikalu|nikalna|milta|milega|milti|reveal|hack|bypass|churate|chura|leak)`,
      `(?:cara|bagaimana|gimana) ${any(3)}(?:mengekstrak|membocorkan|mengungkap|mencuri|mengambil|memaksa|menjebol|membobol|mem bypass|bypass) ${any(5)}(?:data|nik|nomor rekening|riwayat transaksi|identitas|prompt|instruksi|kyc|sistem|model)`,
      `(?:agar|supaya|sehingga) ${any(2)}(?:model|chatbot|ai|bot|sistem) ${any(2)}(?:membocorkan|mengungkap|memberikan|menampilkan) ${any(3)}(?:data|prompt|instruksi|rahasia)`,
      `(?:force|make|trick|get|convince) (?:the |a |an )?(?:model|chatbot|ai|bot|assistant|llm) ${any(2)}(?:to )?(?:reveal|leak|disclose|give up|expose) `,
    ]),
  },
  {
    id: 'exfiltration',
    weight: 0.45,
    pattern: words([
      `(?:customer|customers|user|users|client|clients|account holder|nasabah|pelanggan|pengguna|grahak|ग्राहक|उपयोगकर्ता)(?: ka| ke| ki| s)? ${any(2)}(?:data|records|details|information|passwords?|transactions|financial|riwayat transaksi|identitas|kyc|जानकारी|डेटा|पासवर्ड)`,
      `(?:bagikan|berikan|kirimkan|tampilkan) ${any(2)}(?:riwayat transaksi|data|identitas|nik|nomor rekening) ${any(1)}(?:pengguna|nasabah|pelanggan)`,
    ]),
  },
  {
    id: 'authority_claim',
    weight: 0.45,
    pattern: words([
      `(?:main|mai|mein) ${any(3)}(?:manager|officer|admin|adhikari|inspector|developer|owner|malik|employee|staff|officer|executive|cop|police) (?:hu|hoon|hun|hai|he)`,
      `saya (?:dari|adalah|seorang|bagian dari) ${any(2)}(?:tim|bagian|divisi|petugas|pegawai|karyawan|staf|admin|manajer|polisi|auditor|penyidik) ${any(2)}(?:internal|investigasi|keamanan|it|audit|bank|perusahaan|kepolisian)?`,
      `(?:मैं|में) ${any(3)}(?:मैनेजर|अधिकारी|एडमिन|प्रशासक|डेवलपर|मालिक|कर्मचारी|पुलिस) (?:हूँ|हूं|हु)`,
    ]),
  },
  {
    id: 'directive_to_assistant',
    weight: 0.45,
    pattern: words([
      `(?:integrate|work|weave|put|slip|add|mention) ${any(4)}in(?:to)? (?:your|the) (?:response|reply|answer|output|summary)`,
      '(?:encode|write|format|translate|convert) your (?:response|reply|answer|output) (?:in|into|as|to)',
    ]),
  },
  {
    id: 'initial_context',
    weight: 0.55,
    decoded: true,
    // What the assistant was given before the conversation: asked for in any of the languages.
    pattern: words([
      `(?:what|everything|all|anything) (?:were|was|have|had) you (?:been )?(?:told|given|instructed|asked|shown|fed) ${any(2)}(?:before|at the (?:start|beginning)|initially|first|earlier|previously)`,
      `(?:instructions|rules|text|prompt|message|guidelines|directions) (?:that )?you (?:received|got|were given|have been given|were told) ${any(3)}(?:at the (?:start|beginning)|before|initially|first)`,
      `(?:instrucoes|regras|mensagem|texto|orientacoes) (?:que )?(?:voce |vc )?(?:recebeu|te deram|lhe deram|foram dadas|te passaram)`,
      `(?:instrucciones|reglas|texto|mensaje|indicaciones) que (?:recibiste|te dieron|te han dado|te pasaron)`,
      `(?:instructions|regles|consignes|texte) (?:qu on t a|que tu as recues|qui t ont ete) (?:donnees|recues|donne)?`,
      `(?:anweisungen|regeln|vorgaben|text) (?:die du|die dir) ${any(2)}(?:bekommen|erhalten|gegeben)`,
      `(?:instruksi|perintah|aturan|teks|arahan) (?:yang )?(?:diberikan|kamu terima|anda terima|diberikan kepadamu|diberikan kepada (?:kamu|anda))`,
      `(?:शुरुआत में|शुरू में|पहले से) ${any(4)}(?:निर्देश|बताया गया|दिए गए|दिया गया)`,
      `(?:तुम्हें|आपको) ${any(3)}(?:जो )?(?:निर्देश|नियम) ${any(2)}(?:दिए गए|दिया गया|मिले)`,
      `(?:shuru me|shuru mein|shuruat me|shuruat mein|pehle se) ${any(4)}(?:bataya gaya|diya gaya|diye gaye|instructions|nirdesh|mila tha)`,
      `(?:tumhe|tumhein|aapko) ${any(3)}(?:jo )?(?:instructions|nirdesh|rules|niyam) ${any(2)}(?:diye gaye|diya gaya|mile|mila)`,
      '(?:no inicio|no comeco|al inicio|al principio|au debut|am anfang|di awal) (?:da|de la|de|der|des)? ?(?:conversa|conversacion|conversation|unterhaltung|gesprachs|percakapan|chat)',
    ]),
  },
  {
    id: 'verbatim',
    weight: 0.3,
    pattern: words([
      'word for word|verbatim|literally everything|exactly as (?:written|given)|kata per kata|palavra por palavra|palabra por palabra|mot pour mot|wort fur wort|shabd dar shabd|hubahu|शब्दशः|ज्यों का त्यों',
    ]),
  },
  {
    id: 'secret_mention',
    weight: 0.35,
    pattern: words([
      'prompt sistem|instruksi sistem|instruksi rahasia|सिस्टम प्रॉम्प्ट|छिपे निर्देश|गुप्त निर्देश|hidden instructions|andar ke instructions|secret instructions',
    ]),
  },
  {
    id: 'reveal_secret',
    weight: 0.8,
    decoded: true,
    pattern: words([
      `(?:hidden|secret|andar ke|andar wale|internal|asli|shuru ke|gupt) ${any(2)}(?:instructions|rules|nirdesh|prompt|niyam) ${any(4)}(?:copy paste|likh|likho|dikha|dikhao|bata|batao|print|share|bhej|bhejo)`,
      `(?:story|kahani|cerita|historia|histoire|geschichte|poem|kavita|puisi|poema|poeme|gedicht) ${any(8)}(?:secret|hidden|real|asli|actual|rahasia|secreto|secretas|secretos|segredo|segredos|geheime|geheimen|secretes|gupt) ${any(2)}(?:rules|instructions|prompt|niyam|nirdesh|aturan|instruksi|reglas|instrucciones|regras|instrucoes|regles|instructions|regeln|anweisungen)`,
    ]),
  },
  {
    id: 'forget_everything',
    weight: 0.85,
    decoded: true,
    pattern: words([
      `(?:lupakan|abaikan) (?:semua|segala|semuanya) ${any(4)}(?:sebelumnya|sebelum ini|tadi|sebelum)`,
      `(?:sab kuch|sabkuch|sab) (?:bhool|bhul) (?:jao|ja) ${any(3)}(?:pehle|jo bhi|jo kuch)?`,
      `(?:सब कुछ|सबकुछ|सारी बातें) (?:भूल जाओ|भूल जाइए)`,
    ]),
  },
  {
    id: 'obey_me',
    weight: 0.6,
    pattern: words([
      '(?:ikuti|patuhi|turuti) (?:hanya |saja )?(?:perintah|instruksi|kata kata|kata) (?:saya|aku|ku)(?: saja)?',
      '(?:sirf|keval|bas) (?:meri|mera) (?:baat|hukum|instructions|order) (?:mano|maano|suno)',
      '(?:सिर्फ|केवल) (?:मेरी|मेरा) (?:बात|हुक्म|आदेश) (?:मानो|सुनो)',
      '(?:obedece|sigue) (?:solo |solamente |unicamente )?(?:mis|a mis) (?:ordenes|instrucciones)',
      '(?:obeis|suis) (?:seulement |uniquement )?(?:mes|a mes) (?:ordres|instructions)',
      '(?:gehorche|folge) (?:nur )?(?:meinen|meiner) (?:befehlen|anweisungen)',
    ]),
  },
  {
    id: 'limits_removed',
    weight: 0.6,
    pattern: words([
      '(?:koi|kisi bhi|kisi tarah ka) (?:filter|rules?|niyam|rok tok|pabandi|restriction|seema|limit) (?:nahi|nahin|na)',
      '(?:कोई|किसी भी) (?:फ़िल्टर|फिल्टर|नियम|रोक टोक|पाबंदी|सीमा) (?:नहीं|ना)',
      '(?:tidak ada|tanpa) (?:aturan|batasan|filter|sensor) (?:apapun|apa pun|sama sekali)?',
      '(?:sin|sem|sans|ohne) (?:ninguna |nenhuma |aucune |jegliche )?(?:regla|reglas|regra|regras|regle|regles|regeln|filtros?|filtres?|limites?|limits?|grenzen)',
    ]),
  },
  {
    id: 'imagine_you',
    weight: 0.3,
    pattern: words([
      '(?:maan lo|man lo|socho ki|socho|kalpana karo|maano) (?:ki )?(?:tum|aap|tu)',
      '(?:मान लो|सोचो कि|कल्पना करो) (?:कि )?(?:तुम|आप)',
      '(?:bayangkan|andaikan|misalkan) (?:kamu|anda|dirimu)',
    ]),
  },
  {
    id: 'persona_secret',
    weight: 0.6,
    pattern: words([
      `(?:act as|acting as|pretend (?:you are|to be)|roleplay as|play|be|actua como|actue como|finge ser|haz de|aja como|finja ser|agis comme|joue|fais comme si tu etais|spiel|tu so als|berperan sebagai|jadilah|ban jao|ki tarah) ${any(3)}(?:grandma|grandmother|granny|grandpa|abuela|abuelita|abuelo|avo|vovo|grand mere|mamie|grossmutter|oma|opa|nenek|kakek|dadi|nani|dada|nana)`,
      `(?:read|reads|tell|tells|told|recite|used to read|used to tell|leia|leia|leía|leia|lisait|las|vorlas|bacakan|membacakan|padhti|sunati) ${any(4)}(?:keys|passwords?|claves|contrasenas|senhas|chaves|mots de passe|passworter|kata sandi|product keys|serial keys|license keys|activation keys|pin codes)`,
    ]),
  },
  {
    id: 'reveal_secret',
    weight: 0.8,
    decoded: true,
    pattern: words([
      `(?:सिस्टम|असली|गुप्त|छिपे|छुपे|अंदरूनी|शुरुआती|मूल) ${any(1)}(?:निर्देश|नियम|प्रॉम्प्ट|संदेश|सेटिंग) ${any(3)}(?:बताइए|बताओ|बता दो|दिखाओ|दिखाइए|दिखा दो|लिखो|लिख दो|दोहराओ|शेयर करो|भेजो)`,
      `(?:प्रॉम्प्ट) ${any(4)}(?:दिखाओ|दिखाइए|बताओ|बताइए|लिखो|दोहराओ|बता दो|दिखा दो)`,
      `(?:ऊपर|उपरोक्त|पहले) (?:लिखी|लिखा|लिखे|दिए गए|दी गई|दिया गया) ${any(3)}(?:लिखो|लिख दो|दोहराओ|दिखाओ|बताओ|कॉपी)`,
      `(?:repita|repite|ulangi|repete|wiederhole|repetez|repete|copie|copia|salin) ${any(6)}(?:acima|arriba|di atas|ci dessus|au dessus|oben|upar)`,
    ]),
  },
  {
    id: 'bypass_safety',
    weight: 0.6,
    pattern: words([
      `(?:सुरक्षा|नियमों|नियम|फ़िल्टर|फिल्टर|प्रतिबंध) ${any(2)}(?:बायपास|दरकिनार|तोड़|तोड़कर|तोड़ दो)`,
      `(?:bypass|get around|circumvent|disable|turn off|switch off) ${any(2)}(?:the |your )?(?:safety (?:filters?|rules|guidelines|settings)|guardrails|content (?:policy|filters?)|moderation|your (?:rules|filters|restrictions|safety))`,
      `(?:burlar|contornar|desativar|desligar|evadir|saltarse|desactivar|contourner|desactiver|umgehen|deaktivieren|melewati|menonaktifkan|mematikan) ${any(2)}(?:as |os |la |las |los |les |la |die |den |suas |tus |tes |deine |semua )?(?:regras|reglas|regles|regeln|aturan|aturanmu|protecoes|protecciones|protections|schutzmassnahmen|restricoes|restricciones|restrictions|einschrankungen|batasan|filtros de seguranca|filtros de seguridad)`,
    ]),
  },
  {
    id: 'exfiltration_strong',
    weight: 0.6,
    pattern: words([
      '(?:all|every) (?:the )?(?:users?|customers?|clients?|members?) ?s? (?:passwords?|credentials|credit card numbers)',
      `(?:सभी|सारे|हर) ${any(2)}(?:पासवर्ड|क्रेडेंशियल)`,
      '(?:senhas|contrasenas|mots de passe|passworter|kata sandi|password) (?:de |aller |semua |seluruh )?(?:todos|todas|tous les|allen|semua|seluruh)? ?(?:os |los |las )?(?:usuarios|clientes|utilisateurs|clients|nutzer|kunden|pengguna|pelanggan|nasabah)',
      'sab (?:ke |ka |ki )?(?:users? |customers? )?(?:ke )?passwords?',
    ]),
  },
  {
    id: 'ignore_instructions',
    weight: 0.85,
    decoded: true,
    pattern: words([
      '(?:abaikan|lupakan|langgar|tinggalkan|acuhkan) (?:semua |seluruh )?(?:aturanmu|aturan mu|aturan kamu|aturan anda|instruksimu|instruksi kamu|perintahmu|batasanmu|pedomanmu)',
    ]),
  },
  {
    id: 'obey_me',
    weight: 0.6,
    pattern: words([
      '(?:harus|wajib) (?:mematuhi|menuruti|mengikuti|patuh pada) (?:saya|aku)',
      '(?:तुम्हें|तुमको|आपको) (?:मेरी|मेरा) (?:बात|आदेश|हुक्म) (?:माननी|मानना) (?:होगी|होगा|पड़ेगी)',
    ]),
  },
  {
    id: 'ignore_your_rules',
    weight: 0.6,
    decoded: true,
    pattern: words([
      '(?:ignore|disregard|forget|override|bypass|drop|abandon) (?:all )?your (?:own )?(?:guidelines|instructions|rules|programming|restrictions|policies|safety|filters|training|principles)',
    ]),
  },
  {
    id: 'exfiltration',
    weight: 0.45,
    pattern: words([
      '(?:dados|datos|donnees|daten|data|informacoes|informaciones|informations|informationen|detalhes|detalles) (?:de |dos |das |de los |de las |des |von |aller |semua )?(?:todos os |todas as |todos los |todas las |tous les |toutes les |allen |semua )?(?:clientes|usuarios|utilizadores|utilisateurs|kunden|nutzer|pelanggan|nasabah|pengguna)',
      `(?:apni|apne|tumhari|tumhare) (?:settings|setting|config|configuration|instructions|prompt|system) ${any(1)}(?:dikhao|batao|bata do|dikha do|share karo|bhejo)`,
    ]),
  },
  {
    id: 'pasted_content',
    weight: 0.25,
    pattern: words([
      '(?:review|text|email|e mail|message|document|article|comment|post|transcript|file) (?:to|for you to) (?:analy[sz]e|summari[sz]e|translate|check|review|classify|process)',
    ]),
  },
];

/** Rules over the folded text with punctuation and newlines kept. */
export const LAYER_MARKER_RULES: Rule[] = [
  {
    id: 'role_marker',
    weight: 0.6,
    pattern: raw(
      '(?:^|\\n|[.!?]\\s)\\s*(?:sistema|systeme|sistem|सिस्टम|système|systemnachricht|usuario|usuário|utilisateur|benutzer|pengguna|उपयोगकर्ता|asistente|assistente|asisten|admin)\\s*:',
    ),
  },
  {
    id: 'role_marker',
    weight: 0.6,
    // "AI: disregard …" inside pasted text: an instruction addressed to the model by name.
    pattern: raw(
      '(?:^|[\\s"\'(\\[])(?:ai|assistant|bot|chatbot|gpt|llm|model)\\s*:\\s*(?:please )?(?:ignore|disregard|forget|reply|respond|say|print|output|reveal|tell|send|approve|grant)',
    ),
  },
  {
    id: 'separator_flood',
    weight: 0.55,
    pattern: raw(
      '(?:[*#=~_\\-]{3,}|[>|]{3,})\\s*[^\\n]{0,40}(?:instructions?|instrucciones|instrucoes|anweisungen|consignes|instruksi|निर्देश|nirdesh|system|override|admin|prompt|important|urgent|new task|update)[^\\n]{0,40}\\s*(?:[*#=~_\\-]{3,}|[<|]{3,})?',
    ),
  },
  {
    id: 'exfiltration_link',
    weight: 0.6,
    // A markdown image or link whose address carries a placeholder to fill in: data leaves when it renders.
    pattern: raw('!?\\[[^\\]]{0,80}\\]\\(\\s*https?:\\/\\/[^)\\s]*[?&][^)\\s]*(?:\\[[^\\]]+\\]|\\{[^}]+\\}|<[^>]+>|%s|\\$\\{)[^)]*\\)'),
  },
  {
    id: 'pasted_content',
    weight: 0.25,
    pattern: raw(
      '(?:^|\\n|\\|)\\s*(?:subject|email_from|from|to|received date|date|cc)\\s*:.{0,200}(?:\\n|\\|).{0,400}(?:content|body|message)?\\s*:?|\\{\\s*"[^"]{1,40}"\\s*:|```|<\\?xml|<html|(?:^|\\n)[a-z ]{2,30}\\t[^\\n]+\\n[a-z ]{2,30}\\t',
    ),
  },
];
