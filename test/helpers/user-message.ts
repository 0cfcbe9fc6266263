/**
 * The message a user reads when `fn` refuses their input (throws a UserError); fails the test
 * otherwise. Hint tokens (`<cmd:models>`, `<flag:ar 16:9>`) are rendered for the platform, as
 * the dispatcher does: Slack by default, the voice these messages were written in.
 */
import { allSpecs } from '../../commands/specs.js';
import { UserError } from '../../src/errors.js';
import { renderHints } from '../../src/hints.js';
import type { PlatformKind } from '../../src/model.js';

export function messageOf(fn: () => unknown, platform: PlatformKind = 'slack'): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return renderHints(err.userMessage, platform, allSpecs);
    throw err;
  }
  throw new Error('expected a UserError');
}
