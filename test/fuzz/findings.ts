/**
 * What fuzzing found and nobody has fixed yet. Each finding names where the fix belongs and says
 * exactly which failures it explains: the properties tolerate those (and only those), so CI stays
 * green while every other failure is new and fails the run. known-findings.fuzz.test.ts holds one
 * example of each, marked `it.fails`: once fixed it passes, vitest says so, and the entry goes.
 */

/** A failed status whose `reason` (shown to the user) is unfit: what the contract asks the findings about. */
export class UnfitReason extends Error {
  override readonly name = 'UnfitReason';
}

export interface Finding {
  id: string;
  /** Where the fix belongs. */
  fixIn: string;
  summary: string;
  explains(target: string, input: unknown, err: unknown): boolean;
}

/**
 * None open. An entry looks like this (F3, fixed by the zod checks in adapters/slack/parse.ts):
 *
 *   {
 *     id: 'F3',
 *     fixIn: 'adapters/slack/parse.ts',
 *     summary: 'the Slack parsers trust their declared types: … throws TypeError',
 *     explains: (target, input, err) => target.startsWith('slack.') && err instanceof TypeError && !conforms(slackShapes[…], input),
 *   },
 */
export const FINDINGS: readonly Finding[] = [];

/** The finding that explains this failure, if any. */
export function explainedBy(target: string, input: unknown, err: unknown): Finding | undefined {
  return FINDINGS.find((f) => f.explains(target, input, err));
}
