/** The worker's warm-up: the gate and the offline drafter run once per language before any task. */
import { describe, expect, it } from 'vitest';
import { warmUp } from '../../src/activities/warm-up';

describe('warmUp', () => {
  it('when a worker starts, then every sample goes through the gate for real: questions are delivered, the encoded instruction escalated', () => {
    const { routes } = warmUp();
    expect(routes).toHaveLength(9);
    // A refund under the default trust matrix and plain order questions in eight languages: delivered.
    expect(routes.slice(0, 8).every((r) => r === 'deliver')).toBe(true);
    // "Ignore previous instructions" in base64 inside pasted JSON: caught, so the injection paths ran too.
    expect(routes[8]).toBe('await_human');
  });
});
