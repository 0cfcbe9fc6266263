/**
 * What fuzzing found and nobody has fixed yet. Each finding names where the fix belongs and says
 * exactly which failures it explains: the properties tolerate those (and only those), so CI stays
 * green while every other failure is new and fails the run. known-findings.fuzz.test.ts holds one
 * example of each, marked `it.fails`: once fixed it passes, vitest says so, and the entry goes.
 */

import { conforms, discordShapes, slackShapes } from './declared-shapes.js';

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

const isTypeError = (err: unknown) => err instanceof TypeError;
const shapeOf = <T extends Record<string, unknown>>(shapes: T, target: string, prefix: string) => shapes[target.slice(prefix.length) as keyof T];

export const FINDINGS: readonly Finding[] = [
  {
    id: 'F3',
    fixIn: 'adapters/slack/parse.ts (or a zod check in adapters/slack/app.ts before parsing)',
    summary: 'the Slack parsers trust their declared types: a payload with a field missing or of another type throws TypeError (e.g. fromSlashCommand({}) reads undefined.replace)',
    explains: (target, input, err) => target.startsWith('slack.') && isTypeError(err) && !conforms(shapeOf(slackShapes, target, 'slack.'), input),
  },
  {
    id: 'F4',
    fixIn: 'adapters/discord/parse.ts (or a check in adapters/discord/client.ts before parsing)',
    summary: 'the Discord parsers trust their declared types: a context without user, options that are not an array, a message without attachments throw TypeError',
    explains: (target, input, err) => target.startsWith('discord.') && isTypeError(err) && !conforms(shapeOf(discordShapes, target, 'discord.'), input),
  },
  {
    id: 'F5',
    fixIn: 'adapters/discord/parse.ts (parseAutocomplete)',
    summary: '`String(focused.value ?? "")` throws TypeError for a value without a primitive form (an object with a null prototype), although `value: unknown` allows it',
    explains: (target, _input, err) => target === 'discord.parseAutocomplete' && isTypeError(err) && /primitive/.test((err as Error).message),
  },
];

/** The finding that explains this failure, if any. */
export function explainedBy(target: string, input: unknown, err: unknown): Finding | undefined {
  return FINDINGS.find((f) => f.explains(target, input, err));
}
