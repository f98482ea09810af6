/** Pieces the resources' schemas share, and the registry that names response schemas in the OpenAPI document. */
import { z } from 'zod';
import { NAMESPACE_NAME } from '../../namespaces/config';

export const namespaceName = () => z.string().regex(NAMESPACE_NAME, 'must be a namespace name: 1-63 lowercase letters, digits, - or _');
/** A page size: 1-200, 50 when not given. */
export const pageLimit = () => z.coerce.number().int().min(1).max(200).default(50);

/**
 * The response schemas by the name the OpenAPI document gives them (components.schemas): a schema
 * used inside another named one becomes a `$ref` to it. src/api/openapi.ts generates from this.
 */
export const components = z.registry<{ id: string }>();
export function named<S extends z.ZodType>(id: string, schema: S): S {
  components.add(schema, { id });
  return schema;
}

// What a response holds, as JSON: a row's Date is an ISO string by then.
export const id = () => z.uuid();
export const timestamp = () => z.iso.datetime();
export const count = () => z.number().int().min(0);
/** A jsonb summary whose keys depend on what wrote it. */
export const summary = () => z.record(z.string(), z.unknown());

export const Problem = named(
  'Problem',
  z.object({ path: z.string().describe('where: `limit`, `handoff.timeout`; `(body)` or `(query)` for the whole'), message: z.string() }),
);

/** Every error answer of the API: one shape. */
export const ErrorBody = named(
  'Error',
  z.object({
    error: z.object({
      code: z.string().describe('machine-readable, e.g. not_found, invalid_query, unauthorized'),
      message: z.string(),
      problems: z
        .array(Problem)
        .optional()
        .describe(
          'every problem found, with its path: on every validation 400 (invalid_query, invalid_request, invalid_config, invalid_document, invalid_decision, invalid_body)',
        ),
    }),
  }),
);

export const Percentiles = named('Percentiles', z.object({ count: count(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable() }));

/** A list answer: `{ data: [...] }`. */
export const listOf = <S extends z.ZodType>(item: S) => z.object({ data: z.array(item) });

/** An object with one property per key, each of the same schema (counts per status, per channel). */
export const keyed = <K extends string, S extends z.ZodType>(keys: readonly K[], value: S) =>
  z.object(Object.fromEntries(keys.map((k) => [k, value])) as Record<K, S>);

/** WhatsApp's customer-service window of a conversation (src/channels/window.ts). */
export const ConversationWindow = named(
  'ConversationWindow',
  z
    .object({
      applies: z.boolean().describe('false on Telegram and Slack: no window, free text always reaches the customer'),
      lastCustomerMessageAt: timestamp().nullable(),
      closesAt: timestamp().nullable().describe('when free text stops reaching the customer; after it only a message template does'),
      open: z.boolean(),
    })
    .describe("the conversation's customer-service window, as of the answer"),
);
