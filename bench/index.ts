/**
 * `npm run bench`: the figures that matter, each beside a baseline measured in the same run (these
 * machines are noisy), printed as one table. Bounded: the default run stays under 10 minutes on 2
 * cores; `npm run bench -- --long` adds the 10,000-job waiting run. `--only ack,pipeline` runs a subset.
 * Copy the table to docs/BENCHMARKS.md with the date, the machine and the command.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createEditBudget } from '../adapters/redis/edit-budget.js';
import { generateSpec } from '../commands/specs.js';
import { parseCommandText } from '../src/command-text.js';
import { freePort, OwnRedis } from '../test/helpers/chaos-cluster.js';
import { benchAck } from './ack.js';
import { fmt, table, type Row } from './lib.js';
import { benchPipeline } from './pipeline.js';

const args = process.argv.slice(2);
const long = args.includes('--long');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const want = (name: string) => !only || only.includes(name);
/** `--jobs=N` sizes the pipeline run (default 2000), for a quick look while changing the pipeline. */
const pipelineJobs = Number(args.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length) ?? 2000);

async function benchParser(): Promise<Row[]> {
  const inputs = ['a red fox at dawn --ar 16:9 --n 2 --model image/bfl/flux-1-dev --seed 42', 'waves --video --duration 8 --no blurry, low quality', '狐狸在黎明 🦊 "quoted --ar text" --ar=4:3'];
  const n = 100_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) parseCommandText(generateSpec, inputs[i % inputs.length]!);
  const us = ((performance.now() - t0) * 1000) / n;
  // Baseline: JSON.parse of a payload of the same size, the cheapest thing an adapter does anyway.
  const json = JSON.stringify({ text: inputs[0], user: 'U1', team: 'T1', channel: 'C1' });
  const b0 = performance.now();
  for (let i = 0; i < n; i++) JSON.parse(json);
  const baseUs = ((performance.now() - b0) * 1000) / n;
  return [{ figure: 'command parser', value: `${fmt(us, 1)} µs per command`, baseline: `JSON.parse of the payload ${fmt(baseUs, 2)} µs` }];
}

async function benchEditBudget(): Promise<Row[]> {
  const own = new OwnRedis(await freePort());
  await own.start();
  const redis = new Redis(own.url);
  const budget = createEditBudget({ redis, prefix: 'bench', clock: { now: () => Date.now() }, capacity: 1e9, perMinute: 1e9 });
  const n = 5_000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => budget.tryTake({ platform: 'slack', workspaceId: `T${i % 50}` })));
  const perSecond = n / ((performance.now() - t0) / 1000);
  const p0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => redis.ping()));
  const pings = n / ((performance.now() - p0) / 1000);
  redis.disconnect();
  await own.destroy();
  return [{ figure: 'edit budget (Lua token bucket, 50 workspaces)', value: `${fmt(perSecond, 0)} checks/s`, baseline: `PING ${fmt(pings, 0)}/s` }];
}

const rows: Row[] = [];
const sections: Array<[string, () => Promise<Row[]>]> = [
  ['parser', benchParser],
  ['budget', benchEditBudget],
  ['pipeline', () => benchPipeline({ jobs: pipelineJobs, workspaces: 40 })],
  ['ack', () => benchAck({ seconds: 8 })],
];
for (const [name, run] of sections) {
  if (!want(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
}
if (long) process.stderr.write('bench: --long runs are listed in docs/BENCHMARKS.md\n');
console.log(table(rows));
process.exit(0);
