import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { ensureApplicationFailure } from '@temporalio/common/lib/failure';
import * as errors from '../../src/errors';

describe('non-retryable error types', () => {
  const classes = (Object.values(errors) as unknown[]).filter(
    (v): v is new (message: string) => Error => typeof v === 'function' && v.prototype instanceof Error,
  );

  it('when an activity throws one of our named errors, then Temporal sees a type listed as non-retryable', () => {
    expect(classes.length).toBeGreaterThanOrEqual(5);
    for (const ErrorClass of classes) {
      const failure = ensureApplicationFailure(new ErrorClass('boom'));
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(errors.NON_RETRYABLE_ERROR_TYPES).toContain(failure.type);
    }
  });

  it('when the list names a type, then a class of that name exists', () => {
    expect(errors.NON_RETRYABLE_ERROR_TYPES.sort()).toEqual(classes.map((c) => c.name).sort());
  });
});
