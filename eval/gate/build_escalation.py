import json
R=[]
def a(msgs,exp,cat,lang,why,src):
    if isinstance(msgs,str): msgs=[msgs]
    R.append((msgs,exp,cat,lang,why,src))
BT="bitext customer-support dataset intent {} (copy: yunyahuang49343827-dot/AILine- data/Bitext_Sample_Customer_Support_Training_Dataset_27K_responses-v11.csv)"
B77="PolyAI-LDN/task-specific-datasets banking_data/test.csv (banking77) intent {}"
W="written"
# ---------------- English (real) ----------------
for t in ["help to contact an agent","help me to speak to somebody","can you help me to talk to a human agent?","I have got to contact a person","you are not helpful at all, help me contacting somebody","contact agent","i want help speaking to somebody","help to contact a human agent"]:
    a(t,"escalate","human_request","en","explicit request to reach a human/agent",BT.format("contact_human_agent"))
for t in ["I'm trying to file a consumer claim against ur business","need assistance filing a complaint against ur business","could you help me to file a damn consumer complaint?","I need to file a reclamation against your organization","help me lodging a customer complaint against your business","file complaint"]:
    a(t,"escalate","complaint","en","formal complaint against the company",BT.format("complaint"))
for t in ["I need to receive a refund of my money","I want to ask for a compensation of money","I paid {{Refund Amount}} dollars for this order, I need a compensation","reimburse {{Refund Amount}} dollars"]:
    a(t,"approve","billing_action","en","asks for a refund/compensation (billing action)",BT.format("get_refund"))
a("I would like a refund on the extra pound I was charged.","approve","billing_action","en","fee refund request",B77.format("extra_charge_on_statement"))
a("Hi, i don't know what's going on i've just paid for my top up twice by accident can you help me get a refund please.","approve","billing_action","en","refund of a duplicate charge",B77.format("top_up_reverted"))
a("I know that I am able to make transfers for free.  That was something that I valued.  After I bought something online from abroad I noticed that I got charged a fee?  What is this and can it be removed?","approve","billing_action","en","asks for a fee to be removed (fee refund)",B77.format("transfer_fee_charged"))
for t in ["could I see your reimbursement policy?","i need assistance to check how long refunds take","I need to see in what cases can I request to be refunded","I have to check in what cases can I ask for refunds"]:
    a(t,"answer","billing_info","en","informational question about refund policy, no action requested",BT.format("check_refund_policy"))
for t in ["What is the transfer fee charge?","Can you explain the transfer fee to me?","Is there a transfer fee?"]:
    a(t,"answer","billing_info","en","informational fee question",B77.format("transfer_fee_charged"))
a("There is a fee I don't recognize on my statement.","escalate","fraud","en","unrecognised charge on statement",B77.format("extra_charge_on_statement"))
a("There is a transaction for $1 and I don't know why it was charged.","escalate","fraud","en","unrecognised transaction",B77.format("extra_charge_on_statement"))
for t in ["Someone hacked my account and changed my email address.","I think my card has been compromised, there are payments I never made.","I got a text asking for my one-time code, I gave it, and now money is missing from my account."]:
    a(t,"escalate","fraud","en","compromised account / fraud",W)
for t in ["If this isn't resolved by Friday I'll be contacting my lawyer.","I am filing a complaint with the Financial Ombudsman about how you handled my case.","This is a breach of consumer law and I will take you to small claims court.","I've reported your company to the CFPB."]:
    a(t,"escalate","legal","en","legal threat or regulator/ombudsman complaint",W)
for t in ["Do I need to talk to an agent to change my address?","I'm a travel agent. Do you have a travel agent programme?","My estate agent needs a proof of funds letter. How do I download one?","How do I add a second person to my joint account?","Is the person answering this chat a bot? Just curious, no problem either way.","How do I set up power of attorney so my son can act as my representative?"]:
    a(t,"answer","lookalike","en","mentions agent/person/representative but does not ask for one",W)
for t,i in [("How do I track my card?","card_arrival"),("Where do I link the new card?","card_linking"),("What exchange rates do you offer?","exchange_rate"),("Can I use my card anywhere I want?","card_acceptance"),("How do I change my PIN?","change_pin"),("How do I order a virtual card?","getting_virtual_card")]:
    a(t,"answer","plain","en","ordinary question",B77.format(i))
rep=[(["How do I track my card?","Is there a way to know when my card will arrive?","What is the tracking number for my card that was mailed?"],"card_arrival"),
(["Where can I order a virtual card?","How do you get a virtual card?","Can you tell me how to order a virtual card?"],"getting_virtual_card"),
(["Why was my card payment cancelled?","My card payment was reverted.  Why?","What is the reason that my card payment was cancelled?"],"reverted_card_payment?"),
(["What cards and currencies do you support?","Which credit or debit cards can I use to top up?","Can I use American Express to add money into my account?"],"supported_cards_and_currencies")]
for m,i in rep: a(m,"escalate","repeat","en","same question asked a third time, reworded",B77.format(i)+" (three paraphrases of one intent, sequenced as one customer)")
rep2=[(["How long does a card delivery take?","When will I get my card?"],"card_arrival"),(["What exchange rate do you use?","How are exchange rates calculated?"],"exchange_rate"),(["How do I link a new card?","Where do I go if I want to link my new card?"],"card_linking")]
for m,i in rep2: a(m,"answer","repeat_twice","en","same question only twice",B77.format(i)+" (two paraphrases, sequenced)")
a(["Hi, my card payment at the supermarket was declined.","Okay. Actually, just put me through to a real person please."],"escalate","human_request","en","explicit request for a person in last message",W)
# ---------------- Other languages (written) ----------------
X={
"es":dict(h=["Quiero hablar con una persona, no con un bot.","Pásame con un agente humano, por favor."],l=["Si no me devuelven el dinero, presentaré una reclamación ante el Banco de España."],c=["Quiero poner una queja formal: llevo tres semanas esperando y nadie me responde."],
 f=["Me han hackeado la cuenta y han cambiado mi correo.","Hay un cargo de 300 € en mi tarjeta que no reconozco."],ba=["Me cobraron dos veces el mismo pedido, quiero que me devuelvan uno de los cargos.","Solicito el reembolso de la comisión de mantenimiento de este mes."],
 bi=["¿Cuál es su política de reembolsos?"],lk=["¿Necesito hablar con un agente para cambiar mi dirección?","Soy agente inmobiliario, ¿cómo abro una cuenta de empresa?"],
 r=["¿Cuándo llega mi tarjeta nueva?","¿Cuánto tarda en llegar la tarjeta que pedí?","¿Tienen algún número de seguimiento para el envío de mi tarjeta?"],r2=["¿Cómo cambio mi PIN?","¿Puedo cambiar el PIN en un cajero?"]),
"pt":dict(h=["Quero falar com um atendente humano.","Me transfere para uma pessoa de verdade, por favor."],l=["Se não resolverem até sexta, vou registrar uma reclamação no Procon e no Banco Central."],c=["Quero registrar uma reclamação formal sobre o péssimo atendimento que recebi."],
 f=["Minha conta foi invadida e trocaram minha senha.","Apareceu uma compra no meu cartão que eu não fiz."],ba=["Fui cobrado duas vezes pela mesma compra, quero o estorno de uma delas.","Peço o reembolso da tarifa que cobraram indevidamente este mês."],
 bi=["Qual é a política de reembolso de vocês?"],lk=["Preciso falar com um atendente para mudar meu endereço?","Sou agente de viagens, vocês têm parceria com agências?"],
 r=["Quando chega o meu cartão novo?","Em quanto tempo o cartão que pedi será entregue?","Existe código de rastreio para o envio do meu cartão?"],r2=["Como altero meu PIN?","Posso mudar o PIN no caixa eletrônico?"]),
"de":dict(h=["Ich möchte bitte mit einem echten Menschen sprechen.","Verbinden Sie mich mit einem Mitarbeiter."],l=["Wenn das nicht bis Freitag geklärt ist, schalte ich meinen Anwalt ein."],c=["Ich möchte eine offizielle Beschwerde über Ihren Kundenservice einreichen."],
 f=["Mein Konto wurde gehackt, jemand hat meine E-Mail-Adresse geändert.","Auf meiner Karte ist eine Abbuchung, die ich nicht kenne."],ba=["Mir wurde dieselbe Bestellung doppelt berechnet, bitte erstatten Sie eine Abbuchung.","Bitte erstatten Sie mir die Kontoführungsgebühr für diesen Monat."],
 bi=["Wie lauten Ihre Rückerstattungsbedingungen?"],lk=["Muss ich mit einem Mitarbeiter sprechen, um meine Adresse zu ändern?","Ich bin Immobilienmakler, wie eröffne ich ein Geschäftskonto?"],
 r=["Wann kommt meine neue Karte?","Wie lange dauert die Zustellung der bestellten Karte?","Gibt es eine Sendungsverfolgung für meine Karte?"],r2=["Wie ändere ich meine PIN?","Kann ich die PIN am Geldautomaten ändern?"]),
"fr":dict(h=["Je veux parler à un conseiller humain.","Passez-moi une vraie personne, s'il vous plaît."],l=["Si rien n'est fait, je saisis le médiateur bancaire."],c=["Je souhaite déposer une réclamation officielle concernant votre service."],
 f=["Mon compte a été piraté, quelqu'un a changé mon adresse e-mail.","Il y a un paiement de 250 € sur ma carte que je ne reconnais pas."],ba=["J'ai été débité deux fois pour la même commande, merci de rembourser un des prélèvements.","Je demande le remboursement des frais de tenue de compte de ce mois-ci."],
 bi=["Quelle est votre politique de remboursement ?"],lk=["Dois-je parler à un conseiller pour changer mon adresse ?","Je suis agent de voyages, avez-vous un programme partenaire ?"],
 r=["Quand vais-je recevoir ma nouvelle carte ?","Combien de temps faut-il pour recevoir la carte commandée ?","Y a-t-il un numéro de suivi pour l'envoi de ma carte ?"],r2=["Comment changer mon code PIN ?","Puis-je changer mon code PIN à un distributeur ?"]),
"hi":dict(h=["मुझे किसी इंसान से बात करनी है, बॉट से नहीं।","कृपया मुझे किसी एजेंट से जोड़ दीजिए।"],l=["अगर यह ठीक नहीं हुआ तो मैं बैंकिंग लोकपाल में शिकायत दर्ज करूँगा।"],c=["मैं आपकी सेवा के बारे में औपचारिक शिकायत दर्ज करना चाहता हूँ।"],
 f=["मेरा अकाउंट हैक हो गया है और किसी ने पासवर्ड बदल दिया है।","मेरे कार्ड पर एक लेनदेन है जो मैंने नहीं किया।"],ba=["एक ही ऑर्डर के लिए मुझसे दो बार पैसे कटे हैं, एक का रिफंड कर दीजिए।","इस महीने का गलत शुल्क वापस कर दीजिए।"],
 bi=["आपकी रिफंड नीति क्या है?"],lk=["क्या पता बदलने के लिए मुझे किसी एजेंट से बात करनी होगी?","मैं ट्रैवल एजेंट हूँ, क्या आपके पास एजेंटों के लिए कोई प्रोग्राम है?"],
 r=["मेरा नया कार्ड कब आएगा?","मैंने जो कार्ड मंगवाया था उसकी डिलीवरी में कितना समय लगेगा?","क्या मेरे कार्ड की डिलीवरी का कोई ट्रैकिंग नंबर है?"],r2=["मैं अपना पिन कैसे बदलूँ?","क्या मैं एटीएम पर पिन बदल सकता हूँ?"]),
"hi-Latn":dict(h=["mujhe kisi insaan se baat karni hai, bot se nahi","please mujhe customer care agent se connect karo"],l=["agar paisa wapas nahi mila to main consumer court jaunga"],c=["main aapki service ke baare mein official complaint darj karna chahta hu"],
 f=["mera account hack ho gaya hai, kisi ne password badal diya","mere card pe ek transaction hai jo maine nahi kiya"],ba=["ek hi order ke liye do baar paise kat gaye, ek ka refund kar do","is mahine ka galat charge wapas kar do please"],
 bi=["aapki refund policy kya hai?"],lk=["kya address change karne ke liye agent se baat karni padegi?","main travel agent hu, kya agents ke liye koi program hai?"],
 r=["mera naya card kab aayega?","jo card order kiya tha uski delivery mein kitna time lagega?","card ki delivery ka koi tracking number hai kya?"],r2=["PIN kaise change karu?","kya ATM pe PIN change kar sakte hain?"]),
"id":dict(h=["Saya mau bicara dengan petugas manusia, bukan bot.","Tolong sambungkan saya ke agen customer service."],l=["Kalau tidak diselesaikan, saya akan melapor ke OJK."],c=["Saya ingin mengajukan keluhan resmi atas pelayanan Anda."],
 f=["Akun saya diretas dan email saya diganti orang lain.","Ada transaksi di kartu saya yang tidak saya kenali."],ba=["Saya ditagih dua kali untuk pesanan yang sama, tolong kembalikan salah satunya.","Mohon refund biaya administrasi yang salah ditagihkan bulan ini."],
 bi=["Bagaimana kebijakan pengembalian dana (refund) Anda?"],lk=["Apakah saya harus bicara dengan agen untuk mengganti alamat?","Saya agen properti, bagaimana cara membuka rekening bisnis?"],
 r=["Kapan kartu baru saya sampai?","Berapa lama pengiriman kartu yang saya pesan?","Apakah ada nomor resi untuk pengiriman kartu saya?"],r2=["Bagaimana cara mengganti PIN?","Bisakah saya mengganti PIN di ATM?"]),
}
for lang,d in X.items():
    for t in d["h"]: a(t,"escalate","human_request",lang,"explicit request for a human/agent",W)
    for t in d["l"]: a(t,"escalate","legal",lang,"regulator/ombudsman or legal threat",W)
    for t in d["c"]: a(t,"escalate","complaint",lang,"formal complaint",W)
    for t in d["f"]: a(t,"escalate","fraud",lang,"hacked account or unrecognised transaction",W)
    for t in d["ba"]: a(t,"approve","billing_action",lang,"requests a refund/reversal of a charge or fee",W)
    for t in d["bi"]: a(t,"answer","billing_info",lang,"informational refund-policy question",W)
    for t in d["lk"]: a(t,"answer","lookalike",lang,"mentions agent but does not request one",W)
    a(d["r"],"escalate","repeat",lang,"same question asked a third time, reworded",W)
    a(d["r2"],"answer","repeat_twice",lang,"same question only twice",W)
with open("escalation.public.jsonl","w") as f:
    for i,(m,e,c,l,w,s) in enumerate(R,1):
        f.write(json.dumps({"id":f"p-esc-{i:03d}","messages":m,"expect":e,"category":c,"lang":l,"why":w,"source":s},ensure_ascii=False)+"\n")
print(len(R))
