import { ValidationError } from '../../src/domain/errors.js';

/** The field and rule of the ValidationError `run` throws; fails when it throws none. */
export function refusal(run: () => unknown): { field: string; rule: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return { field: error.field, rule: error.rule };
    throw error;
  }
  throw new Error('not refused');
}
