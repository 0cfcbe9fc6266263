/**
 * `npm run bench`: the figures that matter, each beside a baseline measured in the same run (these
 * machines are noisy), printed as one table. Bounded: the default run stays under 10 minutes on 2
 * cores; `npm run bench -- --long` adds the 10,000-job waiting run. `--only=ack,pipeline` runs a subset (parser, budget, pipeline, ack, busy, sweep, scale, waiting).
 * Copy the table to docs/BENCHMARKS.md with the date, the machine and the command.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createEditBudget } from '../adapters/redis/edit-budget.js';
import { generateSpec } from '../commands/specs.js';
import { parseCommandText } from '../src/command-text.js';
import { freePort, OwnRedis } from '../test/helpers/chaos-cluster.js';
import { benchAck } from './ack.js';
import { benchBusy } from './busy.js';
import { fmt, setFakeNodeArgs, table, type Row } from './lib.js';
import { benchPipeline } from './pipeline.js';
import { benchScale } from './scale.js';
import { benchSweep } from './sweep.js';
import { benchWaiting } from './waiting.js';
import { setBotNodeArgs, workerNodeFlags } from './worker-process.js';

const args = process.argv.slice(2);
const long = args.includes('--long');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const want = (name: string) => (only ? only.includes(name) : name !== 'waiting' || long);
/** `--jobs=N` sizes the pipeline run (default 2000), for a quick look while changing the pipeline. */
const pipelineJobs = Number(args.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length) ?? 2000);
/** `--scale-jobs=N` sizes each scale-out run (default 600; 3,000 with --long). */
const scaleJobs = Number(args.find((a) => a.startsWith('--scale-jobs='))?.slice('--scale-jobs='.length) ?? (long ? 3000 : 600));
/** `--scale-workers=1,2,4` the worker counts of the scale-out runs; `--no-cluster` skips the Redis Cluster runs. */
const scaleWorkers = (args.find((a) => a.startsWith('--scale-workers='))?.slice('--scale-workers='.length) ?? '1,2,4').split(',').map(Number);
const scaleCluster = !args.includes('--no-cluster');
/**
 * `--bot-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"`: node flags for the bot processes the
 * scale and waiting sections start (a CPU profile each, `--heapsnapshot-signal=SIGUSR2`, …).
 */
const botNodeArgs = args.find((a) => a.startsWith('--bot-node-args='))?.slice('--bot-node-args='.length);
if (botNodeArgs) setBotNodeArgs(botNodeArgs.split(' ').filter(Boolean));
/** `--fake-node-args="--cpu-prof --cpu-prof-dir=/tmp/fprof"`: the same for the pipeline section's fake Slack and Krea simulator processes. */
const fakeNodeArgs = args.find((a) => a.startsWith('--fake-node-args='));
if (fakeNodeArgs) setFakeNodeArgs(fakeNodeArgs.slice('--fake-node-args='.length).split(' ').filter(Boolean));
/** `--polling`: the waiting section without webhooks (no PUBLIC_URL), every job followed by polls alone. */
const waitingJobs = Number(args.find((a) => a.startsWith('--waiting-jobs='))?.slice('--waiting-jobs='.length) ?? 10_000);
const waitingSeconds = Number(args.find((a) => a.startsWith('--waiting-seconds='))?.slice('--waiting-seconds='.length) ?? 300);
/** `--busy-jobs=N` sizes the busy-workspace run (default 100, as the issue measured). */
const busyJobs = Number(args.find((a) => a.startsWith('--busy-jobs='))?.slice('--busy-jobs='.length) ?? 100);

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

/** `--rows-json`: print the rows as JSON (for a parent bench process) instead of the table. */
const rowsJson = args.includes('--rows-json');

/**
 * The pipeline section measures one worker process, so it runs as worker containers run: with the
 * node flags docker-compose.yml gives them (a larger young generation), in a process of its own
 * when this one lacks them (this one also hosts the busy section, which is BOT_ROLE=all and keeps
 * node's defaults).
 */
async function pipelineAsDeployed(): Promise<Row[]> {
  const flags = workerNodeFlags();
  if (flags.every((flag) => process.execArgv.includes(flag))) return benchPipeline({ jobs: pipelineJobs, workspaces: Math.max(40, Math.round(pipelineJobs / 2)) });
  const child = spawnSync(process.execPath, [...flags, ...process.execArgv, process.argv[1]!, '--only=pipeline', '--rows-json', `--jobs=${pipelineJobs}`, ...(fakeNodeArgs ? [fakeNodeArgs] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024 });
  const line = child.stdout.split('\n').find((l) => l.startsWith('ROWS '));
  if (child.status !== 0 || !line) throw new Error(`the pipeline section's process failed (exit ${child.status}):\n${child.stdout.slice(-2000)}`);
  return JSON.parse(line.slice('ROWS '.length)) as Row[];
}

const rows: Row[] = [];
const sections: Array<[string, () => Promise<Row[]>]> = [
  ['parser', benchParser],
  ['budget', benchEditBudget],
  ['pipeline', pipelineAsDeployed],
  ['ack', () => benchAck({ seconds: 8 })],
  ['busy', () => benchBusy({ jobs: busyJobs })],
  ['sweep', () => benchSweep({ jobs: 10_000 })],
  ['scale', () => benchScale({ jobs: scaleJobs, workers: scaleWorkers, cluster: scaleCluster })],
  // Only with --long (or --only=waiting): 10,000 jobs of 5 minutes; --waiting-jobs / --waiting-seconds size a quicker look.
  ['waiting', () => benchWaiting({ jobs: waitingJobs, jobSeconds: waitingSeconds, webhooks: !args.includes('--polling') })],
];
for (const [name, run] of sections) {
  if (!want(name)) continue;
  // A section run for a parent bench process is announced by the parent.
  if (!rowsJson) process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
}
console.log(rowsJson ? `ROWS ${JSON.stringify(rows)}` : table(rows));
process.exit(0);
