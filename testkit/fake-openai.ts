/**
 * A local OpenAI-compatible server over real HTTP: `POST {url}/chat/completions` and
 * `POST {url}/embeddings`, `url` being `http://127.0.0.1:<port>/v1`. It records every request
 * and answers deterministically:
 * - a chat completion echoes the first sentence of passage [1] with the marker, or
 *   "I don't know." when the prompt has no passages (`respondWith` sets the reply);
 * - with `response_format: json_object` it answers an assessment (`assessWith` sets it);
 * - embeddings are hashed bags of words, 64 dimensions, unit length (`fakeEmbedding`).
 * Failures can be queued ahead of the responder (`failNext`, `hangNext`). With `apiKey`, a
 * request with another bearer token gets OpenAI's 401, which echoes the key it was given.
 */
import { startFakeServer, type FakeServer, type RecordedRequest } from './fake-http';

export type { RecordedRequest } from './fake-http';

export const FAKE_EMBEDDING_DIMENSIONS = 64;
export const DEFAULT_ASSESSMENT = { intent: 'question', injection: false, confidence: 0.9 };

export interface ChatCall {
  model: string;
  messages: Array<{ role: string; content: string }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the raw body, asserted field by field
  body: Record<string, any>;
}

/** The assistant's text for a chat call. */
export type ChatResponder = (call: ChatCall) => string;
export type Endpoint = 'chat' | 'embeddings';

export interface FakeOpenAi {
  /** The base URL an OpenAI client takes: `http://127.0.0.1:<port>/v1`. */
  url: string;
  server: FakeServer;
  requests: RecordedRequest[];
  /** Chat completion requests (generate and assess), in order. */
  chatRequests(): RecordedRequest[];
  embeddingRequests(): RecordedRequest[];
  /** The text of later chat replies (not assessments): a fixed string or a function of the call. */
  respondWith(reply: string | ChatResponder): void;
  /** The content of later json_object replies: an object (sent as JSON) or a raw string. */
  assessWith(reply: object | string): void;
  /** Back to the default replies; recorded requests are kept. */
  reset(): void;
  /** The next request to `endpoint` answers this status (OpenAI's error shape by default). */
  failNext(status: number, body?: unknown, headers?: Record<string, string>, endpoint?: Endpoint): void;
  /** The next request to `endpoint` is read and never answered: the client times out. */
  hangNext(endpoint?: Endpoint): void;
  close(): Promise<void>;
}

const PATHS: Record<Endpoint, RegExp> = {
  chat: /^\/v1\/chat\/completions(\?|$)/,
  embeddings: /^\/v1\/embeddings(\?|$)/,
};

const ERROR_TYPES: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request (fake).' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Forbidden (fake).' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist (fake).' },
  422: { type: 'invalid_request_error', code: null, message: 'Unprocessable (fake).' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached (fake).' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request (fake).' },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded (fake).' },
};

export const openAiError = (status: number, message?: string) => {
  const known = ERROR_TYPES[status] ?? { type: 'api_error', code: null, message: `Fake failure ${status}.` };
  return { error: { message: message ?? known.message, type: known.type, param: null, code: known.code } };
};

const tokens = (text: string) => Math.ceil(text.length / 4);

/** A deterministic unit vector: each lower-cased word adds 1 to a hashed dimension. */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 2166136261;
    for (const ch of word) hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 16777619) >>> 0;
    vector[hash % FAKE_EMBEDDING_DIMENSIONS]! += 1;
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}

/** The default reply: the first sentence of passage [1] with its marker, or "I don't know." */
export const defaultReply: ChatResponder = ({ messages }) => {
  const context = messages.find((m) => m.role === 'system' && m.content.includes('<passages>'))?.content ?? '';
  const first = /<passage marker="\[1\]"[^>]*>\n([\s\S]*?)\n<\/passage>/.exec(context)?.[1];
  if (!first) return "I don't know.";
  const sentence = (first.split(/(?<=[.!?])\s+/)[0] ?? first).trim().replace(/[.!?]$/, '');
  return `${sentence} [1].`;
};

const contentOf = (content: unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '').join('') : '';

export async function startFakeOpenAi(options: { apiKey?: string } = {}): Promise<FakeOpenAi> {
  let reply: ChatResponder = defaultReply;
  let assessment: object | string = DEFAULT_ASSESSMENT;
  let completions = 0;

  const server = await startFakeServer((req) => {
    if (req.method !== 'POST') return { status: 405, body: openAiError(405, 'Method not allowed.') };
    const bearer = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];
    if (options.apiKey !== undefined && bearer !== options.apiKey) {
      return {
        status: 401,
        body: openAiError(401, `Incorrect API key provided: ${bearer ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`),
      };
    }

    if (PATHS.chat.test(req.path)) {
      const model = String(req.body.model ?? '');
      const messages = (Array.isArray(req.body.messages) ? req.body.messages : []).map((m: { role?: string; content?: unknown }) => ({
        role: String(m.role ?? ''),
        content: contentOf(m.content),
      }));
      const json = req.body.response_format?.type === 'json_object';
      const content = json ? (typeof assessment === 'string' ? assessment : JSON.stringify(assessment)) : reply({ model, messages, body: req.body });
      completions += 1;
      const promptTokens = tokens(messages.map((m: { content: string }) => m.content).join('\n'));
      const completionTokens = tokens(content);
      return {
        status: 200,
        body: {
          id: `chatcmpl-fake-${completions}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        },
      };
    }

    if (PATHS.embeddings.test(req.path)) {
      const input: string[] = Array.isArray(req.body.input) ? req.body.input.map(String) : [String(req.body.input ?? '')];
      const base64 = req.body.encoding_format === 'base64';
      const data = input.map((text, index) => {
        const vector = fakeEmbedding(text);
        const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      const promptTokens = tokens(input.join(' '));
      return {
        status: 200,
        body: { object: 'list', data, model: String(req.body.model ?? ''), usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } },
      };
    }

    return { status: 404, body: openAiError(404, `Unknown path ${req.path} (fake).`) };
  });

  return {
    url: `${server.url}/v1`,
    server,
    requests: server.requests,
    chatRequests: () => server.matching(PATHS.chat),
    embeddingRequests: () => server.matching(PATHS.embeddings),
    respondWith(next) {
      reply = typeof next === 'string' ? () => next : next;
    },
    assessWith(next) {
      assessment = next;
    },
    reset() {
      reply = defaultReply;
      assessment = DEFAULT_ASSESSMENT;
    },
    failNext(status, body, headers, endpoint = 'chat') {
      server.failNext(status, body ?? openAiError(status), headers, PATHS[endpoint]);
    },
    hangNext(endpoint = 'chat') {
      server.hangNext(PATHS[endpoint]);
    },
    close: () => server.close(),
  };
}
