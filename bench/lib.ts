/** What every bench shares: percentiles, a results table, Redis command counts, process sampling. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GENERATION_JOB_VERSION, type NewGenerationJob } from '../src/generation.js';
import type { WorkspaceRef } from '../src/model.js';

export interface Row {
  figure: string;
  value: string;
  baseline: string;
  goal?: string;
  met?: boolean;
}

export function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '–');

export function table(rows: Row[]): string {
  const cells = [['figure', 'value', 'baseline (same run)', 'goal', ''], ...rows.map((r) => [r.figure, r.value, r.baseline, r.goal ?? '', r.met === undefined ? '' : r.met ? 'met' : 'MISSED'])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** A Redis client, as far as reading INFO goes (one node, or the one a cluster client picks). */
export interface InfoClient {
  info(section: string): Promise<string>;
}

/** Total commands Redis has processed (INFO commandstats), to count commands per job on a private Redis. */
export async function redisCommands(redis: InfoClient): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const m of info.matchAll(/calls=(\d+)/g)) total += Number(m[1]);
  return total;
}

/** Calls per command (INFO commandstats), to see which commands a job spends. */
export async function redisCommandCounts(redis: InfoClient): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const counts = new Map<string, number>();
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

/** The commands that grew most between two counts, per job: "evalsha 40, hset 12, …". */
export function topCommands(before: Map<string, number>, after: Map<string, number>, jobs: number, n = 6): string {
  return [...after]
    .map(([cmd, calls]) => [cmd, (calls - (before.get(cmd) ?? 0)) / jobs] as const)
    .filter(([, perJob]) => perJob > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([cmd, perJob]) => `${cmd} ${fmt(perJob)}`)
    .join(', ');
}

export async function redisMemory(redis: InfoClient): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** CPU seconds (user + system) and RSS bytes of a process, from /proc. */
export function processStats(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = 100; // USER_HZ on Linux
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticks;
  const rssPages = Number(fields[21]);
  return { cpuSeconds, rssBytes: rssPages * 4096 };
}

/** Extra node flags for the fakes' own processes (`npm run bench -- --fake-node-args="…"`), e.g. a CPU profile of each. */
let fakeArgs: string[] = [];
export function setFakeNodeArgs(args: string[]): void {
  fakeArgs = args;
}
export function fakeNodeArgs(): readonly string[] {
  return fakeArgs;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops a child process with SIGTERM, SIGKILL after `graceMs`; returns at once if it has already exited. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`bench timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** One image job as the ingress would enqueue it, in workspace T{i mod workspaces}, channel C{i}. */
export function benchJob(id: string, i: number, workspaces: number, modelId = 'image/bfl/flux-1-dev'): NewGenerationJob {
  const workspace: WorkspaceRef = { platform: 'slack', workspaceId: `T${i % workspaces}` };
  const now = Date.now();
  return {
    v: GENERATION_JOB_VERSION,
    id,
    workspace,
    requester: { userId: 'UBENCH', isAdmin: false },
    request: { provider: 'krea', modelId, kind: 'image', prompt: `bench ${i}`, width: 1024, height: 1024, count: 1, inputs: [], params: {} },
    placement: { kind: 'here', conversation: { ...workspace, channelId: `C${i % workspaces}` } },
    step: 'announce',
    createdAt: now,
    deadlineAt: now + 3_600_000,
  };
}
