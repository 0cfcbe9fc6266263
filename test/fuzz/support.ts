/**
 * What every fuzz file shares: how many runs, how long vitest waits, and a guard that fails the
 * file on any unhandled rejection.
 */
import type { Parameters } from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';
import { fuzzRuns } from '../helpers/fuzz-runs.js';

/** ~2,000 inputs per property in CI; `npm run fuzz` asks for 10,000. */
export const RUNS = fuzzRuns(2000);
/** Vitest's per-test timeout, grown with the runs so a long fuzzing session is not cut short. */
export const TIMEOUT = Math.max(30_000, RUNS * 20);
export const params = (numRuns = RUNS): Parameters<unknown> => ({ numRuns });

/** Fails the file if anything rejects without a handler while its properties run. */
export function failOnUnhandledRejections(): void {
  const seen: unknown[] = [];
  const record = (reason: unknown) => void seen.push(reason);
  beforeAll(() => void process.on('unhandledRejection', record));
  afterAll(async () => {
    // A rejection surfaces after the microtask that caused it: give it a turn of the loop.
    await new Promise((r) => setImmediate(r));
    process.off('unhandledRejection', record);
    expect(seen).toEqual([]);
  });
}
