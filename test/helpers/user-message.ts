/** The message a user reads when `fn` refuses their input (throws a UserError); fails the test otherwise. */
import { UserError } from '../../src/errors.js';

export function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err.userMessage;
    throw err;
  }
  throw new Error('expected a UserError');
}
