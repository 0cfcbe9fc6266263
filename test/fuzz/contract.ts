/**
 * What a parser may do with input it cannot use, checked the same way everywhere: return, or
 * throw the failure it is allowed to throw. Anything else fails the property, unless a known
 * finding (findings.ts) explains it: those are reported, and tolerated until fixed.
 */
import { expect } from 'vitest';
import { ZodError, type z } from 'zod';
import { ProviderError, UserError } from '../../src/errors.js';
import { conforms } from './declared-shapes.js';
import { explainedBy, UnfitReason } from './findings.js';

/** Control characters a user must never see raw: C0 except the line break, DEL, C1. */
export const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
export const MAX_USER_MESSAGE = 600;

/** Why a message shown to a user is unfit (empty, too long, raw control characters), or undefined. */
export function messageProblem(message: string): string | undefined {
  if (message.trim().length === 0) return 'the message is empty';
  if (message.length > MAX_USER_MESSAGE) return `the message has ${message.length} characters (at most ${MAX_USER_MESSAGE})`;
  if (CONTROL.test(message)) return `the message holds a raw control character: ${JSON.stringify(message.slice(0, 120))}`;
  return undefined;
}

/** Fails with `err` (or the problem) unless a known finding explains it. */
function unlessKnown(target: string, input: unknown, err: unknown, problem?: string): void {
  if (explainedBy(target, input, err)) return;
  if (problem) throw new Error(`${target}: ${problem}`, { cause: err });
  throw err;
}

/** Text and option parsers: a result, or a UserError a person can read. */
export function parsesOrExplains<T>(target: string, input: unknown, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof UserError)) return void unlessKnown(target, input, err);
    const problem = messageProblem(err.userMessage);
    if (problem) unlessKnown(target, input, err, problem);
    return undefined;
  }
}

/** Payload parsers: a result (an Invocation, undefined, media), or a UserError / ZodError. */
export function parsesOrRefuses<T>(target: string, input: unknown, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (err instanceof UserError || err instanceof ZodError) return undefined;
    return void unlessKnown(target, input, err);
  }
}

/**
 * Payload parsers, given input their declared type allows (`declared`, from declared-shapes.ts): a
 * result, never a refusal. A parser that refuses such input checks more than its type says, and
 * would drop payloads that are fine. Any other input: as parsesOrRefuses.
 */
export function parsesConforming<T>(target: string, declared: z.ZodType, input: unknown, parse: () => T): T | undefined {
  if (!conforms(declared, input)) return parsesOrRefuses(target, input, parse);
  try {
    return parse();
  } catch (err) {
    return void unlessKnown(target, input, err);
  }
}

/** Provider answers: a status, or a ProviderError whose userMessage a person can read. */
export async function mapsOrFails<T>(target: string, input: unknown, call: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof ProviderError)) return void unlessKnown(target, input, err);
    expectProviderError(target, input, err);
    return undefined;
  }
}

/** A ProviderError's userMessage is shown as-is when the job fails: short and printable. */
export function expectProviderError(target: string, input: unknown, err: unknown): void {
  expect(err).toBeInstanceOf(ProviderError);
  const problem = messageProblem((err as ProviderError).userMessage);
  if (problem) unlessKnown(target, input, err, problem);
}

const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** A ProviderStatus the job step machine can use: a known state, sane numbers, http(s) outputs, a readable reason. */
export function expectStatus(target: string, input: unknown, status: unknown): void {
  const s = status as { state: string; percent?: unknown; outputs?: Array<{ url: unknown }>; reason?: unknown };
  expect(STATES).toContain(s.state);
  if (s.percent !== undefined) expect(Number.isFinite(s.percent) && (s.percent as number) >= 0 && (s.percent as number) <= 100).toBe(true);
  for (const o of s.outputs ?? []) expect(o.url).toMatch(/^https?:\/\//i);
  if (s.state === 'failed') {
    expect(typeof s.reason).toBe('string');
    const problem = messageProblem(s.reason as string);
    if (problem) unlessKnown(target, input, new UnfitReason(problem), problem);
  }
}
