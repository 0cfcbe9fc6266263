/**
 * When a job is looked at again (jobs/poll-schedule.ts): polling alone looks just before the
 * model's average and then often; with webhooks polls are a sparse safety net.
 */
import { describe, expect, it } from 'vitest';
import { firstPollDelayMs, nextPollDelayMs } from '../../jobs/poll-schedule.js';

/** The polls a job of `seconds` gets before it ends, following the schedule. */
function pollsBefore(seconds: number, average: number, webhooks: boolean): number {
  let t = firstPollDelayMs(average, 1, { webhooks });
  let n = 0;
  while (t < seconds * 1000) {
    n++;
    t += nextPollDelayMs(average, n, t, 1, { webhooks });
  }
  return n;
}

describe('poll schedule', () => {
  it('polling alone: a job ending at its model’s average is seen within a tenth of the average, in about two looks', () => {
    expect(firstPollDelayMs(72)).toBe(61_200);
    expect(nextPollDelayMs(72, 1, 61_200)).toBe(7_200);
    expect(pollsBefore(72, 72, false)).toBe(2);
  });

  it('with webhooks, the first look waits 1.5 × the average and the next ones two minutes or more: a lost callback is caught, a five-minute job costs two looks, not twenty', () => {
    expect(firstPollDelayMs(72, 1, { webhooks: true })).toBe(108_000);
    expect(firstPollDelayMs(7, 1, { webhooks: true })).toBe(60_000);
    expect(nextPollDelayMs(72, 1, 108_000, 1, { webhooks: true })).toBe(120_000);
    expect(nextPollDelayMs(1_000, 1, 2_000_000, 1, { webhooks: true })).toBe(300_000);
    expect(pollsBefore(300, 72, true)).toBe(2);
    expect(pollsBefore(300, 72, false)).toBeGreaterThan(15);
  });

  it('scales with the deployment’s time scale (tests and the simulator)', () => {
    expect(firstPollDelayMs(72, 0.01, { webhooks: true })).toBe(1_080);
    expect(nextPollDelayMs(72, 1, 0, 0.01, { webhooks: true })).toBe(1_200);
  });
});
