/**
 * The rating question in the customer's language. A namespace's own `csat.translations` come first;
 * while it keeps the default English question, the built-in wording of the customer's language is
 * used (the languages the gate reads); otherwise the namespace's one question.
 */
import { DEFAULT_CSAT_LABELS, DEFAULT_CSAT_QUESTION, type CsatConfig } from './config';

export interface CsatWording {
  /** The ISO 639-1 code the wording is in, or `default` for the namespace's own question. */
  language: string;
  question: string;
  labels: string[];
  button: string;
  thanks: string;
}

type Words = Omit<CsatWording, 'language'>;

export const BUILT_IN_CSAT: Readonly<Record<string, Words>> = {
  es: {
    question: '¿Qué tal lo hicimos? Valora esta conversación del 1 (muy mal) al 5 (excelente).',
    labels: ['Muy mal', 'Mal', 'Regular', 'Bien', 'Excelente'],
    button: 'Valorar',
    thanks: '¡Gracias por tu opinión!',
  },
  pt: {
    question: 'Como nos saímos? Avalie esta conversa de 1 (muito ruim) a 5 (excelente).',
    labels: ['Muito ruim', 'Ruim', 'Regular', 'Bom', 'Excelente'],
    button: 'Avaliar',
    thanks: 'Obrigado pela sua avaliação!',
  },
  fr: {
    question: 'Comment avons-nous fait ? Notez cette conversation de 1 (très mauvais) à 5 (excellent).',
    labels: ['Très mauvais', 'Mauvais', 'Correct', 'Bien', 'Excellent'],
    button: 'Noter',
    thanks: 'Merci pour votre avis !',
  },
  de: {
    question: 'Wie war unsere Hilfe? Bitte bewerten Sie dieses Gespräch von 1 (sehr schlecht) bis 5 (ausgezeichnet).',
    labels: ['Sehr schlecht', 'Schlecht', 'In Ordnung', 'Gut', 'Ausgezeichnet'],
    button: 'Bewerten',
    thanks: 'Danke für Ihre Bewertung!',
  },
  it: {
    question: 'Come ci siamo comportati? Valuta questa conversazione da 1 (pessimo) a 5 (eccellente).',
    labels: ['Pessimo', 'Scarso', 'Sufficiente', 'Buono', 'Eccellente'],
    button: 'Valuta',
    thanks: 'Grazie per il tuo feedback!',
  },
  nl: {
    question: 'Hoe hebben we het gedaan? Beoordeel dit gesprek van 1 (zeer slecht) tot 5 (uitstekend).',
    labels: ['Zeer slecht', 'Slecht', 'Redelijk', 'Goed', 'Uitstekend'],
    button: 'Beoordelen',
    thanks: 'Bedankt voor je feedback!',
  },
  id: {
    question: 'Bagaimana layanan kami? Beri nilai percakapan ini dari 1 (sangat buruk) sampai 5 (sangat baik).',
    labels: ['Sangat buruk', 'Buruk', 'Cukup', 'Baik', 'Sangat baik'],
    button: 'Beri nilai',
    thanks: 'Terima kasih atas penilaian Anda!',
  },
};

/** The wording for a customer writing in `language` (an ISO 639-1 code; undefined when it could not be told). */
export function csatWording(csat: CsatConfig, language: string | undefined): CsatWording {
  const own: Words = { question: csat.question, labels: csat.labels, button: csat.button, thanks: csat.thanks };
  const code = language?.toLowerCase();
  const translated = code ? csat.translations[code] : undefined;
  const builtIn = code && csat.question === DEFAULT_CSAT_QUESTION ? BUILT_IN_CSAT[code] : undefined;
  if (translated) {
    // A translation may give the question only: its labels come from the built-in ones of its language, else the namespace's.
    const fallback = builtIn ?? own;
    return {
      language: code!,
      question: translated.question,
      labels: translated.labels ?? fallback.labels,
      button: translated.button ?? fallback.button,
      thanks: translated.thanks ?? fallback.thanks,
    };
  }
  if (builtIn) {
    const labels = csat.labels.every((l, i) => l === DEFAULT_CSAT_LABELS[i]) ? builtIn.labels : csat.labels;
    return { language: code!, ...builtIn, labels };
  }
  return { language: 'default', ...own };
}
