/**
 * Errors that must not be retried, defined once. Activities throw them (the error's `name`
 * becomes the Temporal failure type) and the workflow passes NON_RETRYABLE_ERROR_TYPES to
 * every activity's retry policy.
 */

export class TaskNotFoundError extends Error {
  override name = 'TaskNotFound';
}

/** The channel refused the message for good (4xx): retrying cannot help. */
export class PermanentSendFailureError extends Error {
  override name = 'PermanentSendFailure';
}

/**
 * A send may or may not have reached the platform (timeout, connection reset, a crashed
 * worker between claim and record). Sending again could double the reply, so we stop.
 */
export class DeliveryOutcomeUnknownError extends Error {
  override name = 'DeliveryOutcomeUnknown';
}

/** No outbound adapter or credentials for the task's channel account. */
export class ChannelNotConfiguredError extends Error {
  override name = 'ChannelNotConfigured';
}

/** The namespace's configuration cannot be used. */
export class InvalidNamespaceConfigError extends Error {
  override name = 'InvalidNamespaceConfig';
}

export const NON_RETRYABLE_ERROR_TYPES = [
  'TaskNotFound',
  'PermanentSendFailure',
  'DeliveryOutcomeUnknown',
  'ChannelNotConfigured',
  'InvalidNamespaceConfig',
];
