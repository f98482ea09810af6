/**
 * Request validation, written once: a zod schema per body, query or params, and one 400 shape for
 * every way a request can be invalid:
 *
 *   { "error": { "code": "invalid_query", "message": "2 problem(s): limit: …; status: …",
 *                "problems": [ { "path": "limit", "message": "…" }, … ] } }
 *
 * `const listQuery = validate({ query: Schema }, 'invalid_query')` is the middleware, and
 * `listQuery.parsed(res).query` what it parsed; `parseOr400` is the same check inside a handler;
 * `invalid` raises the 400 for problems found by other means (a namespace config, a document
 * with no text).
 */
import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { HttpError } from './errors';

export interface Problem {
  /** Where: `limit`, `handoff.timeout`; `(body)` or `(query)` for the whole. */
  path: string;
  message: string;
}

/** A 400 whose body lists every problem (errorHandler renders `problems`). */
export class ValidationError extends HttpError {
  constructor(
    code: string,
    readonly problems: Problem[],
  ) {
    super(400, code, `${problems.length} problem(s): ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}

export const invalid = (code: string, problems: Problem[]) => new ValidationError(code, problems);

/** zod's issues as problems; `root` names an issue about the whole value. */
export function problemsOf(error: z.ZodError, root = '(body)'): Problem[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || root, message: issue.message }));
}

/** The parsed value, or a ValidationError with `code` listing every problem. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, code: string, root = '(body)'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(code, problemsOf(parsed.error, root));
  return parsed.data;
}

interface Schemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}
type Parsed<S extends Schemas> = { [K in keyof S]: S[K] extends z.ZodType ? z.output<S[K]> : never };

/** The middleware `validate` makes, and how a handler after it reads what it parsed. */
export type Validator<S extends Schemas> = RequestHandler & { parsed(res: Response): Parsed<S> };

/** Checks the request's parts against their schemas; the first invalid part answers 400 with `code`. */
export function validate<S extends Schemas>(schemas: S, code: string): Validator<S> {
  const key = Symbol('validated request');
  const middleware: RequestHandler = (req, res, next) => {
    const out: Record<string, unknown> = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (schema) out[part] = parseOr400(schema, req[part], code, `(${part})`);
    }
    (res.locals as Record<symbol, unknown>)[key] = out;
    next();
  };
  return Object.assign(middleware, {
    parsed(res: Response): Parsed<S> {
      const out = (res.locals as Record<symbol, unknown>)[key];
      if (!out) throw new Error('parsed(res) on a request this validator did not see');
      return out as Parsed<S>;
    },
  });
}

/** Problems written as "path: message" (the workflow's decision checks) in the one shape. */
export const problemsFromText = (lines: string[]): Problem[] =>
  lines.map((line) => {
    const at = line.indexOf(': ');
    return at > 0 ? { path: line.slice(0, at), message: line.slice(at + 2) } : { path: '(body)', message: line };
  });
