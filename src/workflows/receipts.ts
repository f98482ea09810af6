/**
 * Delivery receipts. WhatsApp says only later whether a message arrived (sent, delivered, read,
 * failed); the webhook hands each receipt for a task's message to the task's workflow by the
 * `deliveryReceipt` signal, and the workflow, the only writer of the task's status, decides:
 * a part that failed fails a task that would be `delivered`, and after its last message the
 * workflow waits up to DELIVERY_RECEIPT_WAIT for receipts still to come, ending early once
 * every part it sent has arrived.
 */
import { condition, log, setHandler } from '@temporalio/workflow';
import type { DeliverResult } from '../activities/types';
import { DeliveryReceiptSchema, deliveryReceiptSignal } from './definitions';

/** Executions started before receipts reached the workflow replay without the wait. */
export const RECEIPT_WAIT = 'delivery-receipt-wait';

export interface Receipts {
  /** Notes what a `deliver` step sent and how long to wait for its receipts. */
  track(result: DeliverResult): void;
  /** The first failed part, in words, once a receipt said so. */
  failure(): string | undefined;
  /** How long `wait` may take (0: nothing to wait for). */
  readonly waitMs: number;
  /** Until every part sent has arrived, one has failed, or `waitMs` is over. */
  wait(): Promise<void>;
}

/** Sets the receipt signal's handler (call it first in the workflow) and returns the tracker. */
export function deliveryReceipts(): Receipts {
  const sent = new Set<string>();
  const arrived = new Set<string>();
  let failed: string | undefined;
  let waitMs = 0;
  setHandler(deliveryReceiptSignal, (input) => {
    // A signal cannot be refused: one that is not a receipt (sent by hand, say) is logged and ignored.
    const parsed = DeliveryReceiptSchema.safeParse(input);
    if (!parsed.success) return log.warn('deliveryReceipt ignored: not a receipt', { problems: parsed.error.issues.map((i) => i.message) });
    const receipt = parsed.data;
    if (receipt.status === 'failed') failed ??= `part ${receipt.part} was not delivered: ${receipt.reason ?? 'the platform gave no reason'}`;
    else if (receipt.status === 'delivered' || receipt.status === 'read') arrived.add(receipt.providerMessageId);
  });
  const settled = () => failed !== undefined || [...sent].every((id) => arrived.has(id));
  return {
    track(result) {
      for (const id of result.providerMessageIds) sent.add(id);
      waitMs = Math.max(waitMs, result.receiptWaitMs ?? 0);
    },
    failure: () => failed,
    get waitMs() {
      return sent.size > 0 ? waitMs : 0;
    },
    async wait() {
      if (this.waitMs > 0) await condition(settled, this.waitMs);
    },
  };
}
