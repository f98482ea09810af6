/**
 * Loaded by path (DataConverter.failureConverterPath) in processes that hold a payload key:
 * failure messages and stack traces go into an encoded attributes payload, so the codec
 * encrypts them too (an activity's error can quote a customer's words). The workflow bundle
 * keeps the SDK's default: the failures workflow code raises carry the product's words only.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
