/**
 * Errors that must not be retried, defined once. Activities throw them; Temporal takes
 * the failure type from the class name, and the workflow passes NON_RETRYABLE_ERROR_TYPES
 * to every activity's retry policy. Keep each class name in the list (a test checks it).
 */

export class TaskNotFoundError extends Error {
  override name = 'TaskNotFoundError';
}

/** The channel refused the message for good (4xx): retrying cannot help. */
export class PermanentSendFailureError extends Error {
  override name = 'PermanentSendFailureError';
}

/**
 * A send may or may not have reached the platform (timeout, connection reset, a crashed
 * worker between claim and record). Sending again could double the reply, so we stop.
 */
export class DeliveryOutcomeUnknownError extends Error {
  override name = 'DeliveryOutcomeUnknownError';
}

/** The recipient blocked the bot or the chat is gone: nothing will ever reach them. */
export class RecipientBlockedError extends Error {
  override name = 'RecipientBlockedError';
}

/** No outbound adapter or credentials for the task's channel account. */
export class ChannelNotConfiguredError extends Error {
  override name = 'ChannelNotConfiguredError';
}

/** The namespace's configuration cannot be used. */
export class InvalidNamespaceConfigError extends Error {
  override name = 'InvalidNamespaceConfigError';
}

/** The model server refused the request (400/401/404...): drafted offline instead, never retried. */
export { LlmRejectedError } from './llm/errors';

export const NON_RETRYABLE_ERROR_TYPES = [
  'TaskNotFoundError',
  'PermanentSendFailureError',
  'DeliveryOutcomeUnknownError',
  'ChannelNotConfiguredError',
  'RecipientBlockedError',
  'LlmRejectedError',
  'InvalidNamespaceConfigError',
];
