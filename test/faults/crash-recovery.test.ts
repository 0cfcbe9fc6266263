/**
 * The bot as separate processes (one ingress, two workers, `BOT_ROLE`) on its own Redis, with
 * workers killed (SIGKILL) and stopped (SIGTERM) at random moments while jobs are submitted,
 * polled and delivered, and Redis itself restarted mid-run. Every request must end with exactly
 * one provider job billed and exactly one delivery, and a fresh request afterwards must complete.
 * `npm run chaos` runs the long version (200 jobs, more faults); the test command runs a short one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosCluster } from '../helpers/chaos-cluster.js';
import { chaosLong } from '../helpers/chaos-mode.js';

const LONG = chaosLong();
const JOBS = LONG ? 200 : 24;
/** Worker kills in one run: enough to hit every step many times, bounded so the short run stays short. */
const MAX_KILLS = LONG ? 200 : 12;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: ChaosCluster;
beforeAll(async () => {
  cluster = new ChaosCluster({ workers: 2, jobMs: 1500 });
  await cluster.start();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}\n--- jobs ---\n${(await cluster.jobStates()).join('\n')}\n--- worker output ---\n${cluster.workers().map((w) => w.output.slice(-3000)).join('\n---\n')}`);
    await sleep(200);
  }
}

function report(label: string, prompts: string[]): { billedOnce: number; deliveredOnce: number; doubled: string[]; lost: string[] } {
  const doubled = prompts.filter((p) => cluster.billedFor(p) > 1 || cluster.deliveredFor(p) > 1);
  const lost = prompts.filter((p) => cluster.billedFor(p) === 0 || cluster.deliveredFor(p) === 0);
  const counts = { billedOnce: prompts.filter((p) => cluster.billedFor(p) === 1).length, deliveredOnce: prompts.filter((p) => cluster.deliveredFor(p) === 1).length, doubled, lost };
  console.log(`[chaos] ${label}: ${prompts.length} requests, ${counts.billedOnce} billed exactly once, ${counts.deliveredOnce} delivered exactly once, ${doubled.length} doubled, ${lost.length} lost`);
  return counts;
}

describe('crashes and restarts', () => {
  it(`${JOBS} jobs through SIGKILLed and SIGTERMed workers: each billed once and delivered once`, async () => {
    const prompts = Array.from({ length: JOBS }, (_, i) => `chaos fox ${i}`);
    let stop = false;
    let kills = 0;
    const chaos = (async () => {
      await sleep(400);
      while (!stop && kills < MAX_KILLS) {
        const [a, b] = cluster.workers();
        const victim = Math.random() < 0.5 ? a! : b!;
        // Mostly crashes; sometimes a polite stop, which must hand the current step back.
        await cluster.kill(victim, kills % 4 === 3 ? 'SIGTERM' : 'SIGKILL');
        kills++;
        await sleep(200 + Math.random() * 600);
        cluster.restart(victim);
        await sleep(600 + Math.random() * 1200);
      }
    })();
    for (const [i, prompt] of prompts.entries()) {
      const ack = await cluster.generate(prompt);
      expect(ack.status).toBe(200);
      // Spread over several seconds, so kills land in every step: submit, poll, deliver.
      if (i % 3 === 2) await sleep(LONG ? 300 : 1000);
    }
    await until(() => prompts.every((p) => cluster.deliveredFor(p) >= 1), LONG ? 600_000 : 150_000, 'every request delivered');
    stop = true;
    await chaos;
    // Let late duplicates (if any) show up before counting.
    await sleep(2500);
    const counts = report(`after ${kills} worker kills`, prompts);
    expect(kills).toBeGreaterThanOrEqual(4);
    expect(counts.doubled).toEqual([]);
    expect(counts.lost).toEqual([]);
    for (const w of cluster.workers()) if (w.child?.exitCode !== null || w.child?.signalCode !== null) cluster.restart(w);
    await cluster.generate('after the crashes');
    await until(() => cluster.deliveredFor('after the crashes') === 1, 60_000, 'a fresh request after the crashes');
  }, LONG ? 900_000 : 240_000);

  it('Redis restarted mid-run: the ingress still acks and says it is briefly unavailable; nothing is lost', async () => {
    const prompts = Array.from({ length: LONG ? 40 : 8 }, (_, i) => `redis restart fox ${i}`);
    for (const prompt of prompts) expect((await cluster.generate(prompt)).status).toBe(200);
    await sleep(800);
    await cluster.redis.stop('SIGKILL');
    const during = await cluster.generate('while redis is down');
    expect(during.status).toBe(200);
    expect(during.ms).toBeLessThan(3000);
    await until(() => cluster.slack.responses.some((r) => r.id === during.id && JSON.stringify(r.body).includes('briefly unavailable')), 20_000, 'the user is told the bot is briefly unavailable');
    await sleep(1000);
    await cluster.redis.start();
    await until(() => prompts.every((p) => cluster.deliveredFor(p) >= 1), 120_000, 'every request delivered after the Redis restart');
    await sleep(2000);
    const counts = report('around a Redis restart', prompts);
    expect(counts.doubled).toEqual([]);
    expect(counts.lost).toEqual([]);
    await cluster.generate('after redis came back');
    await until(() => cluster.deliveredFor('after redis came back') === 1, 60_000, 'a fresh request after the Redis restart');
  }, 240_000);
});
