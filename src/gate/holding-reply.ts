/**
 * What the person approving a billing action gets to send when the knowledge base had nothing:
 * not the "I couldn't find an answer" draft — the customer asked for something to be done — but
 * a holding reply in the customer's language saying a colleague is on it. A namespace sets its
 * own with `approval.holdingReply`.
 */
import type { GateLanguage } from './escalation';

export const HOLDING_REPLIES: Readonly<Record<Exclude<GateLanguage, 'und'>, string>> = {
  en: 'Thanks for your message. A colleague is looking at your request and will get back to you shortly.',
  es: 'Gracias por tu mensaje. Un compañero está revisando tu solicitud y te responderá en breve.',
  pt: 'Obrigado pela sua mensagem. Um colega está analisando o seu pedido e vai responder em breve.',
  de: 'Danke für Ihre Nachricht. Ein Kollege prüft Ihr Anliegen und meldet sich in Kürze bei Ihnen.',
  fr: 'Merci pour votre message. Un collègue examine votre demande et vous répondra très bientôt.',
  it: 'Grazie per il messaggio. Un collega sta esaminando la tua richiesta e ti risponderà a breve.',
  nl: 'Bedankt voor je bericht. Een collega bekijkt je verzoek en neemt snel contact met je op.',
  id: 'Terima kasih atas pesan Anda. Rekan kami sedang memeriksa permintaan Anda dan akan segera menghubungi Anda.',
  hi: 'आपके संदेश के लिए धन्यवाद। हमारे एक साथी आपके अनुरोध को देख रहे हैं और जल्द ही आपसे संपर्क करेंगे।',
  'hi-Latn': 'Aapke message ke liye shukriya. Hamare ek saathi aapki request dekh rahe hain aur jaldi aapko jawab denge.',
};

/** The built-in holding reply for a message's language (English when it cannot be told). */
export function holdingReply(language: GateLanguage): string {
  return language === 'und' ? HOLDING_REPLIES.en : HOLDING_REPLIES[language];
}
