/** Constant-time comparison for signatures and shared secrets. */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when the two strings are equal, in time that does not depend on where they differ.
 * Both sides are hashed first so that their lengths do not leak either.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a === b;
}
