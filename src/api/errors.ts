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
      res.set(err.headers).status(err.status).json(errorBody(err.code, err.message));
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
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json(errorBody('internal', 'internal error; the request was not completed'));
  };
}
