/**
 * The multilingual word lists behind the prompt-injection rules (./injection-rules), as regex
 * sources. All entries are folded (lowercase, no accents, punctuation as single spaces:
 * "don't" → "don t") and pooled across English, German, Spanish, French, Portuguese,
 * Italian and Dutch, so mixed-language attacks match too.
 */
import { END, START, escapeRegExp } from './normalize';

const list = (...groups: string[]) => groups.flatMap((g) => g.split(',').map((w) => w.trim())).filter(Boolean);
const alt = (words: readonly string[]) =>
  `(?:${[...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => escapeRegExp(w))
    .join('|')})`;

const WORD = '[\\p{L}\\p{N}]+';
/** Up to n arbitrary words, each followed by a space. */
export const anyWords = (n: number) => `(?:${WORD} ){0,${n}}?`;
/** First person: the customer speaking of their own messages or instructions. */
const MINE = alt(
  list(
    'i,me,my,mine,we,our,us,m',
    'ich,mein,meine,meinen,meiner,meines,mir,mich,wir,unser,unsere,unseren',
    'yo,mi,mis,nos,nuestro,nuestra,nuestros,nuestras,dije,escribi',
    'je,j,moi,mon,ma,mes,nous,notre',
    'eu,meu,minha,meus,minhas,nosso,nossa,disse',
    'io,mio,mia,miei,mie,noi,nostro,nostra,ho',
    'ik,mijn,wij,ons,onze',
  ),
);
/** Up to n words, none of them first person. */
export const otherWords = (n: number) => `(?:(?!${MINE}${END})${WORD} ){0,${n}}?`;

/** "the instructions I gave": the customer's own, even when the possessive comes after. */
export const NOT_MINE_AFTER = `(?! (?:that |which |die |que |qu |che |dat )?${MINE}${END})`;

/** Words before a verb that make it a statement, not an order ("I forget", "j'ai oublié", "can I just ignore"). */
export const NOT_AN_ORDER = `(?<!${START}(?:${alt(
  list(
    'i,we,they,he,she,ich,wir,yo,je,j,eu,io,ik,wij,ai,jai,j ai,ive,i ve,weve,we ve,id,i d,as,avons,avez,habe,hab,haben,hat,he,ha,hemos,ho,abbiamo,heb,hebben,had,have,has,did,never,not',
  ),
)}|(?:i|we|ich|je|eu|io|ik) (?:just|simply|really|also|only|nur|einfach|juste|so|solo|gewoon)) )`;

export const OVERRIDE_VERBS = alt(
  list(
    'ignore,disregard,forget,overlook,dismiss,cancel,void,revoke,skip,bypass,override,overwrite,overrule,discard,drop,abandon,neglect,erase,delete,clear,reset,pay no attention to,do not follow,don t follow,dont follow,stop following,no longer follow,throw away,set aside',
    'ignoriere,ignorier,ignorieren,ignorierst,vergiss,vergisst,vergessen,missachte,missachten,uberspringe,ubergehe,verwirf,verwerfe,umgehe,loesche,losche,befolge nicht mehr',
    'ignora,ignorar,ignoras,ignores,olvidas,olvida,olvidate de,olvidar,olvides,descarta,descartar,omite,omitir,haz caso omiso de,haz caso omiso a,no sigas,deja de seguir,salta',
    'ignorez,ignorer,oublie,oublies,oubliez,oublier,ne tiens pas compte de,ne tiens pas compte des,ne tenez pas compte de,ne tenez pas compte des,fais abstraction de,fais abstraction des,faites abstraction de,faites abstraction des,ne suis plus,ne suivez plus,arrete de suivre,arretez de suivre,contourne,contournez',
    'ignorem,ignoras,esqueces,esqueca,esquece,esquecer,esquecam,desconsidere,desconsidera,desconsiderar,descarte,nao siga,pare de seguir,deixe de lado',
    'ignori,ignorate,ignorare,dimentica,dimentichi,dimenticate,dimenticare,trascura,non considerare,non seguire,smetti di seguire,non tenere conto di,non tenere conto delle,non tenere conto degli,aggira',
    'negeer,negeert,negeren,vergeet,vergeten,volg niet,houd geen rekening met,omzeil',
  ),
);
export const QUALIFIERS_BEFORE = alt(
  list(
    'all,any,every,each,whatever,previous,prior,above,earlier,preceding,former,original,initial,existing,old,your,ur,yr,system,safety,these,those,other,hidden,internal,developer,current,default,built in,preset,programmed',
    'alle,allen,alles,jede,jeden,jegliche,jeglichen,samtliche,vorherigen,vorherige,vorigen,obigen,obige,bisherigen,fruheren,fruhere,deine,deinen,ihre,ihren,samtliche,samtlichen,ursprunglichen,vorhergehenden,bestehenden',
    'todas,todos,tus,sus,previas,anteriores,cualquier,cualquiera,cada',
    'toutes,tous,tes,vos,precedentes,anterieures,chaque,toute,n importe quelle',
    'suas,tuas,seus,teus,qualquer,cada',
    'tutte,tutti,tue,tuoi,sue,suoi,precedenti,ogni,qualsiasi,qualunque',
    'eerdere,vorige,voorgaande,bovenstaande,oude,je,jouw,uw,elke,iedere,alle',
  ),
);
export const TARGETS = alt(
  list(
    'instructions,instruction,rules,rulez,rule,directions,guidelines,guidance,prompt,prompts,commands,directives,programming,restrictions,constraints,guardrails,safety filters,content filters,training,system prompt,system message,content policy,content policies',
    'anweisungen,anweisung,instruktionen,regeln,vorgaben,befehle,richtlinien,anordnungen,systemprompt,programmierung,einschrankungen,beschrankungen',
    'instrucciones,instruccion,reglas,regla,indicaciones,directrices,normas,restricciones,directivas,programacion',
    'regles,regle,consignes,consigne,directives,programmation,indications',
    'instrucoes,instrucao,regras,regra,diretrizes,orientacoes,comandos,restricoes,programacao',
    'istruzioni,istruzione,regole,regola,direttive,indicazioni,comandi,restrizioni,programmazione',
    'instructies,instructie,regels,regel,opdrachten,richtlijnen,aanwijzingen,beperkingen,programmering',
  ),
);
export const QUALIFIERS_AFTER = alt(
  list(
    'above,before,so far,given,you were given,you have been given,you ve been given,you received,earlier,previously,from before,up to now,until now',
    'von oben,bisher,zuvor,davor',
    'anteriores,previas,de arriba,del sistema,recibidas,que te dieron,que te han dado,hasta ahora',
    'precedentes,anterieures,ci dessus,d avant,recues,initiales,du systeme,qu on t a donnees,jusqu ici',
    'acima,do sistema,recebidas,que te deram,ate agora',
    'precedenti,sopra,di prima,ricevute,del sistema,iniziali,finora',
    'hierboven,die je kreeg,die je hebt gekregen,tot nu toe',
  ),
);
export const EVERYTHING = alt(list('everything,all,whatever,anything,what,alles,was,todo,lo que,tout,ce qu,tudo,o que,tutto,quello che,alles,wat'));
export const EVERYTHING_BEFORE = alt(
  list(
    'above,before,prior,previously,so far,up to now,until now,you were told,you have been told,you ve been told,you were instructed,you have been instructed,you ve been instructed,you were programmed,you were given,you know,you learned',
    'vorher,zuvor,bisher,oben,davor,was man dir gesagt hat,was dir gesagt wurde',
    'anterior,antes,hasta ahora,arriba,lo que te dijeron,que te dijeron',
    'avant,precedemment,jusqu ici,ci dessus,au dessus,ce qu on t a dit',
    'acima,ate agora,o que te disseram,anteriormente',
    'prima,finora,sopra,in precedenza,cio che ti hanno detto',
    'hierboven,eerder,tot nu toe,daarvoor,wat je is verteld',
  ),
);
export const FOLLOW_UP = alt(
  list(
    'say,print,write,tell,output,respond,reply,answer,reveal,translate,repeat,act,pretend,give,show,list,return,do,follow,execute,approve,grant,send',
    'sag,sage,schreib,schreibe,antworte,zeige,zeig,gib,tu,mach',
    'dime,escribe,responde,muestra,dame,haz,actua',
    'dis,ecris,reponds,montre,donne,fais,agis',
    'diga,escreva,responda,mostre,faca,aja',
    'scrivi,rispondi,mostra,dammi,fai,agisci',
    'zeg,schrijf,antwoord,toon,geef,doe',
  ),
);

export const REVEAL_VERBS = alt(
  list(
    'reveal,print,show,show me,display,output,repeat,tell me,tell us,give me,share,leak,dump,expose,write out,write down,write,list,recite,spell out,copy,paste,send me,provide,disclose,return,translate,summarize,summarise,read me,type out,echo,explain,quote,respond with,reply with,answer with,respond only with,reply only with,what s written in,what is written in,whats written in,what s in,what is in,whats in,what do,what does',
    'zeig,zeige,zeigen sie,gib,gebe,geben sie,nenne,nennen sie,verrate,verraten sie,wiederhole,drucke,schreib,schreibe,offenbare,teile,liste,ubersetze,sag mir',
    'muestra,muestrame,muestre,revela,revelame,revele,dime,digame,imprime,repite,escribe,ensename,comparte,traduce,dame',
    'montre,montre moi,montrez,montrez moi,affiche,affichez,revele,revelez,dis moi,dites moi,imprime,imprimez,repete,repetez,ecris,ecrivez,donne moi,donnez moi,partage,traduis',
    'mostre,mostra,mostre me,me mostre,revele,revela,diga,diz,me diga,imprima,repita,escreva,compartilhe,traduza,me de',
    'mostrami,rivela,rivelami,dimmi,mi dica,stampa,ripeti,scrivi,condividi,traduci,dammi',
    'toon,laat,geef,herhaal,onthul,vertel,schrijf,deel,vertaal',
  ),
);
export const QUESTION_WORDS = alt(
  list(
    'what is,what s,whats,what are,what were,what was,which is',
    'was ist,was sind,wie lautet,wie lauten,welche sind',
    'cual es,cuales son,que es,que son',
    'quel est,quelle est,quels sont,quelles sont',
    'qual e,quais sao,o que e',
    'qual e,quali sono,cos e,che cosa e',
    'wat is,wat zijn,welke zijn',
  ),
);
/** Things only an attacker asks for, whoever owns them. */
export const SECRETS = alt(
  list(
    'system prompt,system prompts,systemprompt,system message,system instructions,system instruction,system rules,initial prompt,pre prompt,preprompt,hidden prompt,secret prompt,hidden instructions,secret instructions,internal instructions,confidential instructions,developer instructions,developer message,hidden rules,secret rules,prompt instructions,meta prompt,raw prompt,full prompt,entire prompt,complete prompt,exact prompt,original prompt,whole prompt,initial instructions',
    'system anweisungen,systemanweisungen,systemanweisung,systemnachricht,geheimen anweisungen,geheime anweisungen,versteckten anweisungen,versteckte anweisungen,internen anweisungen',
    'prompt del sistema,prompt de sistema,instrucciones del sistema,instrucciones de sistema,mensaje del sistema,instrucciones ocultas,instrucciones secretas,instrucciones internas',
    'prompt systeme,prompt du systeme,invite systeme,invite du systeme,instructions systeme,instructions du systeme,message systeme,message du systeme,instructions cachees,instructions secretes,instructions internes,consignes secretes,consignes cachees',
    'prompt do sistema,instrucoes do sistema,instrucoes de sistema,mensagem do sistema,instrucoes ocultas,instrucoes secretas,instrucoes internas',
    'prompt di sistema,istruzioni di sistema,istruzioni del sistema,messaggio di sistema,messaggio del sistema,istruzioni nascoste,istruzioni segrete,istruzioni interne',
    'systeemprompt,systeem prompt,systeeminstructies,systeem instructies,systeembericht,verborgen instructies,geheime instructies,interne instructies',
  ),
);
export const YOUR = alt(
  list(
    'your,ur,yr,thy,deine,deinen,deiner,dein,ihre,ihren,tu,tus,su,sus,ton,ta,tes,votre,vos,teu,tua,teus,tuas,seu,sua,seus,suas,tuo,tuoi,tue,suo,sue,je,jouw,uw',
  ),
);
export const SECRET_ADJECTIVES = alt(
  list(
    'initial,original,full,complete,exact,entire,first,hidden,secret,internal,real,actual,current,own,whole,underlying,confidential,core,starting',
    'ursprunglichen,ursprungliche,vollstandigen,genauen,geheimen,versteckten,internen,echten',
    'originales,iniciales,completas,ocultas,secretas,internas,verdaderas',
    'initiales,completes,cachees,vraies',
    'iniciais,originais,verdadeiras',
    'iniziali,originali,complete,nascoste,segrete,vere',
    'oorspronkelijke,volledige,geheime,verborgen,echte',
  ),
);
/** Things that are secret when they are "yours" (the assistant's). */
export const YOUR_THINGS = alt(
  list(
    'instructions,instruction,rules,guidelines,prompt,prompts,programming,directives,configuration,config,knowledge base,training data,hidden text,setup,context,system',
    'anweisungen,regeln,richtlinien,vorgaben,programmierung,konfiguration,wissensdatenbank,wissensbasis,versteckten text',
    'instrucciones,reglas,directrices,indicaciones,programacion,configuracion,base de conocimiento,base de conocimientos,texto oculto',
    'regles,consignes,directives,programmation,base de connaissances,base de connaissance,texte cache',
    'instrucoes,regras,diretrizes,orientacoes,programacao,configuracao,base de conhecimento,texto oculto',
    'istruzioni,regole,direttive,indicazioni,programmazione,configurazione,base di conoscenza,base di conoscenze,testo nascosto',
    'instructies,regels,richtlijnen,aanwijzingen,programmering,configuratie,kennisbank,verborgen tekst',
  ),
);
/** "your instructions for returning an item" is about a topic, not the assistant's own instructions. */
export const TOPIC_WORDS = alt(
  list(
    'for,on,about,regarding,concerning,to,when,if,with,in case',
    'fur,zu,zum,zur,uber,bei,wenn',
    'para,sobre,de,del,en,cuando,si',
    'pour,sur,concernant,de,du,des,en,quand',
    'para,sobre,de,do,da,em,quando',
    'per,su,sul,sulla,di,del,della,in,quando,se',
    'voor,over,bij,om,van,als',
  ),
);
export const STORES = alt(
  list(
    'knowledge base,training data,database,documents,knowledge,wissensdatenbank,wissensbasis,datenbank,base de conocimiento,base de conocimientos,base de datos,base de connaissances,base de donnees,base de conhecimento,banco de dados,base di conoscenza,banca dati,kennisbank',
  ),
);
export const WHOLE = alt(
  list(
    'entire,whole,full,complete,all,raw,every,gesamte,ganze,komplette,toda,todo,entera,completa,toute,tout,entiere,inteira,intera,tutta,tutto,hele,volledige',
  ),
);
export const TEXT_OBJECTS = alt(
  list(
    'text,words,content,everything,all,lines,line,message,messages,prompt,instructions,sentences,conversation,context',
    'alles,text,worter,inhalt,nachricht,texto,todo,palabras,contenido,mensaje,texte,tout,mots,contenu,tudo,palavras,conteudo,mensagem,testo,tutto,parole,contenuto,messaggio,tekst,woorden,inhoud,bericht',
  ),
);
export const ABOVE = alt(
  list(
    'above,before this,before this line,before this message,preceding,at the top,at the start,at the beginning,so far,oben,daruber,arriba,de arriba,ci dessus,au dessus,acima,sopra,hierboven,erboven,boven',
  ),
);
export const TEXT_STRICT = alt(list('text,prompt,words,texto,palabras,texte,mots,testo,parole,tekst,woorden,wortern,worter'));
export const PREVIOUS = alt(list('previous,prior,preceding,vorherigen,vorigen,anterior,precedent,anterieur,precedente,vorige'));
export const REPEAT_VERBS = alt(
  list(
    'repeat,print,output,show,display,write,copy,recite,reproduce,echo,tell me,return,paste,type out,write out',
    'wiederhole,wiederholen,drucke,zeige,zeig,schreibe,schreib,gib',
    'repite,imprime,muestra,escribe,copia,repete,repetez,affiche,ecris,copie,repita,imprima,mostre,escreva,ripeti,stampa,mostra,scrivi,herhaal,toon,schrijf,kopieer',
  ),
);

export const ARTICLE = alt(list('a,an,ein,eine,einen,un,una,une,um,uma,uno,een'));
export const YOU_ARE_NOW = alt(
  list(
    'you are now,you re now,youre now,you are from now on,u r now,you are no longer',
    'du bist jetzt,du bist nun,du bist ab sofort,du bist ab jetzt,ab jetzt bist du,ab sofort bist du,jetzt bist du,sie sind jetzt,sie sind nun,sie sind ab sofort',
    'ahora eres,eres ahora,a partir de ahora eres,desde ahora eres,ya no eres',
    'tu es maintenant,tu es desormais,tu es a present,vous etes maintenant,vous etes desormais,desormais tu es,desormais vous etes,maintenant tu es,tu n es plus',
    'voce e agora,agora voce e,agora es,a partir de agora voce e,a partir de agora voce sera,voce agora e,voce nao e mais',
    'ora sei,adesso sei,sei ora,sei adesso,da ora in poi sei,d ora in poi sei,da adesso sei,non sei piu',
    'je bent nu,jij bent nu,u bent nu,vanaf nu ben je,vanaf nu bent u,nu ben je,je bent niet langer',
  ),
);
export const NAMED = alt(list('called,named,known as,genannt,llamado,llamada,appele,appelee,chamado,chamada,chiamato,chiamata,genaamd'));
export const FROM_NOW_ON_YOU = alt(
  list(
    'from now on you,from now on you ll,from now on your,ab jetzt wirst du,ab sofort wirst du,von nun an wirst du,von jetzt an,a partir de ahora vas,a partir de ahora debes,a partir de ahora responde,desormais tu,a partir de maintenant tu,dorenavant tu,a partir de agora voce,de agora em diante voce,da ora in poi,d ora in poi,da adesso in poi,vanaf nu ga je,vanaf nu moet je,voortaan',
  ),
);
export const PRETEND = alt(
  list(
    'pretend to be,pretend you are,pretend you re,pretend youre,pretend that you are,pretend that you re,pretend you have no,pretend to have no,roleplay as,role play as',
    'tu so als ob du,tu so als warst du,tu so als waerst du,gib dich als,spiel die rolle,spiele die rolle',
    'finge ser,finge que eres,hazte pasar por,haz como si fueras,actua como si fueras,juega el papel',
    'fais semblant d etre,faites semblant d etre,fais comme si tu etais,faites comme si vous etiez,joue le role,jouez le role',
    'finja ser,finja que voce e,finja que e,finge ser,faca de conta que voce e,faz de conta que es,interprete o papel',
    'fingi di essere,fai finta di essere,fingiti,interpreta il ruolo,fai come se fossi',
    'doe alsof je,doe alsof jij,doe net alsof je,speel de rol,doe je voor als',
  ),
);
export const ACT_AS = alt(
  list(
    'act as,act like,behave as,behave like,function as,serve as,respond as,answer as,roleplay,role play,simulate,impersonate,become',
    'agiere als,handle als,verhalte dich wie,verhalte dich als,antworte als,spiele',
    'actua como,actue como,compórtate como,comportate como,responde como,simula',
    'agis comme,agissez comme,comporte toi comme,comportez vous comme,reponds comme,simule',
    'aja como,atue como,comporte se como,responda como,simule',
    'agisci come,comportati come,rispondi come,simula',
    'gedraag je als,fungeer als,treed op als,antwoord als,speel',
  ),
);
export const PERSONAS = alt(
  list(
    'ai,a i,assistant,chatbot,bot,language model,llm,gpt,chatgpt,hacker,terminal,shell,linux,linux terminal,developer,admin,administrator,root,system,character,grandma,grandmother,granny,grandpa,villain,different ai,human,unrestricted,unfiltered,uncensored,evil,jailbroken,rogue,amoral,sudo',
    'ki,kunstliche intelligenz,entwickler,pirat,ia,asistente,assistente,desarrollador,developpeur,desenvolvedor,sviluppatore,ontwikkelaar,administrador,administrateur,amministratore,beheerder,personaje,personnage,personagem,personaggio,sistema,systeme,systeem,abuela,grand mere,avo,nonna,nonno,oma',
  ),
);
export const UNBOUND = alt(
  list(
    'unrestricted,unfiltered,uncensored,jailbroken,evil,rogue,unlocked,unbound,amoral,unethical,unhinged,uncontrolled,free',
    'uneingeschrankte,uneingeschrankt,ungefilterte,unzensierte,bose,sin restricciones,sin filtros,sin censura,sans restrictions,sans filtre,sans filtres,sans censure,sem restricoes,sem filtros,sem censura,senza restrizioni,senza filtri,senza censura,zonder beperkingen,zonder filters,zonder censuur',
  ),
);
export const AI_NOUNS = alt(list('ai,a i,assistant,model,chatbot,bot,version,llm,gpt,chatgpt,mode,ki,ia,asistente,assistente,modelo,modello,modus,modo,mode'));
export const NO_LIMITS = alt(
  list(
    'no rules,no restrictions,no limits,no limitations,no filters,no guidelines,no boundaries,no ethics,no morals,no censorship,no content policy,no guardrails',
    'without any rules,without any restrictions,without any limits,without any filters,without rules,without restrictions,without limits,without limitations,without filters,without any content filters,without content filters,without guidelines,without censorship,without ethics',
    'not bound by,no longer bound by,not restricted by,free from all,free of all,free from any',
    'ohne einschrankungen,ohne regeln,ohne filter,ohne grenzen,ohne zensur,keine regeln,keine einschrankungen',
    'sin restricciones,sin reglas,sin filtros,sin limites,sin censura,sin normas',
    'sans restrictions,sans regles,sans filtres,sans filtre,sans limites,sans censure',
    'sem restricoes,sem regras,sem filtros,sem limites,sem censura',
    'senza restrizioni,senza regole,senza filtri,senza limiti,senza censura',
    'zonder beperkingen,zonder regels,zonder filters,zonder grenzen,zonder censuur,geen regels',
  ),
);
export const SPECIAL_MODES = alt(
  list(
    'developer mode,dev mode,god mode,dan mode,jailbreak mode,debug mode,admin mode,sudo mode,maintenance mode,unrestricted mode,evil mode',
    'entwicklermodus,entwickler modus,modo desarrollador,modo de desarrollador,mode developpeur,mode developpeurs,modo desenvolvedor,modo de desenvolvedor,modalita sviluppatore,modalita sviluppatori,ontwikkelaarsmodus,ontwikkelmodus',
  ),
);
export const ACTIVATE = alt(
  list(
    'enable,enabled,activate,activated,enter,entering,switch to,switched to,turn on,turned on,you are in,you re in,now in,are now in,unlock,unlocked,aktiviere,aktiviert,activa,activado,active,activez,ative,ativado,attiva,attivato,activeer,geactiveerd',
  ),
);
export const DEVICES = alt(
  list(
    'phone,tablet,device,laptop,tv,television,router,console,watch,printer,computer,pc,android,iphone,ipad,smartphone,settings,handy,telefono,celular,telephone,telefone,telefoon,fernseher,drucker,impresora,imprimante,stampante',
  ),
);
export const NEW_INSTRUCTIONS = alt(
  list(
    'new instructions,new instruction,updated instructions,revised instructions,real instructions,actual instructions,new rules,new task,new directive,new system prompt,new role,your new role',
    'neue anweisungen,neue anweisung,neue regeln,neue aufgabe,nuevas instrucciones,nuevas reglas,nueva tarea,nouvelles instructions,nouvelles regles,nouvelles consignes,nouvelle tache,novas instrucoes,novas regras,nova tarefa,nuove istruzioni,nuove regole,nuovo compito,nieuwe instructies,nieuwe regels,nieuwe opdracht',
  ),
);
export const DELIVERY_WORDS =
  '(?:deliver|parcel|package|courier|door|neighbo|address|doorstep|porch|mailbox|liefer|paket|zustell|entrega|paquete|porteria|livraison|colis|livreur|encomenda|pacote|consegna|pacco|corriere|bezorg|pakket)';
