/**
 * How many inputs each property tries: FUZZ_RUNS when set (`npm run fuzz` sets 10,000), else the
 * property's own default, small enough for CI. A malformed value fails loudly: a typo must not
 * quietly turn a long fuzzing run into a short one.
 */
export function fuzzRuns(defaultRuns: number): number {
  const raw = process.env['FUZZ_RUNS']?.trim();
  if (raw === undefined || raw === '') return defaultRuns;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive whole number, for example 10000 (got "${raw}")`);
  return runs;
}
