/** Errors users see: a code, a clear message, the right status. One central handler maps them. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const unavailable = (message: string) => new HttpError(503, 'unavailable', message);

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Unknown routes answer a JSON 404 like everything else. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`no route for ${req.method} ${req.path}`));
};

/** The one error handler: HttpErrors as they are; body-parser errors mapped; 5xx details never leak. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      // A ValidationError (./validate) lists its problems: the one 400 shape.
      const problems = (err as { problems?: unknown }).problems;
      res
        .set(err.headers)
        .status(err.status)
        .json(Array.isArray(problems) ? { error: { code: err.code, message: err.message, problems } } : errorBody(err.code, err.message));
      return;
    }
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json(errorBody('payload_too_large', 'request body is over the 1 MiB limit'));
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json(errorBody('invalid_json', 'request body is not valid JSON'));
      return;
    }
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json(errorBody('unsupported_encoding', String((err as Error).message)));
      return;
    }
    // Other client errors raised by body-parser or the router (a gzip body that is not gzip, a path
    // parameter whose %-escapes do not decode) carry their 4xx status.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json(errorBody('bad_request', String((err as Error).message)));
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json(errorBody('internal', 'internal error; the request was not completed'));
  };
}

/** U+0000 (PostgreSQL stores it in neither text nor jsonb) or a UTF-16 surrogate without its pair (not Unicode). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether any string in a parsed body (keys included) cannot be stored as text; iterative, so depth cannot overflow. */
export function hasUnstorableText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item)) return true;
    } else if (Array.isArray(item)) {
      for (const v of item) stack.push(v);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, v] of Object.entries(item)) stack.push(key, v);
    }
  }
  return false;
}

/** 400 for a query or a parsed body carrying text that cannot be stored (NUL, lone surrogates), before it reaches the database. */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  if (hasUnstorableText(req.query) || hasUnstorableText(req.body)) {
    return next(badRequest('the request carries a NUL character or an unpaired UTF-16 surrogate, which is not text', 'invalid_text'));
  }
  next();
};
