/**
 * `npm run bench`: throughput and latency of the hot paths, on this machine, against the local
 * Redis (REDIS_URL or 127.0.0.1:6379) and the Krea simulator. Results go to stdout; copy them to
 * docs/BENCHMARKS.md with the date and the command.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { generateSpec } from '../commands/specs.js';
import { createEditBudget } from '../adapters/redis/edit-budget.js';
import { parseCommandText } from '../src/command-text.js';
import { loadConfig } from '../src/config.js';
import { createHarness } from '../test/helpers/pipeline-harness.js';

const config = loadConfig();
const redisUrl = config.REDIS_URL ?? 'redis://127.0.0.1:6379';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function benchParser(): Promise<string> {
  const inputs = ['a red fox at dawn --ar 16:9 --n 2 --model image/bfl/flux-1-dev --seed 42', 'waves --video --duration 8 --no blurry, low quality', '狐狸在黎明 🦊 "quoted --ar text" --ar=4:3'];
  const n = 100_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) parseCommandText(generateSpec, inputs[i % inputs.length]!);
  const ms = performance.now() - t0;
  return `parser: ${Math.round(n / (ms / 1000)).toLocaleString('en-US')} commands/s (${((ms * 1000) / n).toFixed(1)} µs each)`;
}

async function benchEditBudget(): Promise<string> {
  const redis = new Redis(redisUrl);
  const budget = createEditBudget({ redis, prefix: `bench-${Date.now()}`, clock: { now: () => Date.now() }, capacity: 1e9, perMinute: 1e9 });
  const n = 5_000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => budget.tryTake({ platform: 'slack', workspaceId: `T${i % 50}` })));
  const ms = performance.now() - t0;
  redis.disconnect();
  return `edit budget (Lua token bucket): ${Math.round(n / (ms / 1000)).toLocaleString('en-US')} checks/s, 50 workspaces, pipelined`;
}

async function benchPipeline(jobs: number, durationMs: number): Promise<string> {
  const h = await createHarness({ sim: { jobDurationMs: durationMs } });
  h.deps.timeScale = 0.02;
  const worker = h.startWorker();
  worker.worker.concurrency = 32;
  await h.deps.settings.update({ platform: 'slack', workspaceId: 'T1' }, { maxConcurrentJobs: 50 });
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: jobs }, (_, i) => h.enqueue({ prompt: `bench ${i}` })));
  const done = await Promise.all(ids.map((id) => h.waitFor(id, (j) => j.step === 'done', 120_000)));
  const wall = performance.now() - t0;
  const overhead = done.map((j) => j.outcome!.finishedAt - j.createdAt - durationMs).sort((a, b) => a - b);
  const ok = done.filter((j) => j.outcome?.state === 'succeeded').length;
  await h.close();
  return `pipeline: ${jobs} image jobs (simulated ${durationMs} ms each), ${ok} delivered in ${(wall / 1000).toFixed(1)} s = ${(jobs / (wall / 1000)).toFixed(1)} jobs/s; overhead beyond the provider's time p50 ${pct(overhead, 50)} ms, p95 ${pct(overhead, 95)} ms`;
}

const lines = [await benchParser(), await benchEditBudget(), await benchPipeline(200, 500)];
console.log(lines.join('\n'));
process.exit(0);
