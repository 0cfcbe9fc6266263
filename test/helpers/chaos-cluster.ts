/**
 * A small production-shaped cluster for fault runs: its own redis-server (AOF on, so it can be
 * restarted without losing anything), the Krea simulator and the fake Slack in this process, and
 * the bot as real child processes (`npm start`'s entry point) in separate roles: one ingress and
 * N workers, each killable with SIGKILL or SIGTERM and restartable. Requests are real signed
 * slash commands; every count comes from the fakes (what the provider made, what Slack received).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { FakeSlack, signSlackRequest } from '../fakes/slack/server.js';
import { inheritedPath } from './chaos-mode.js';

export const SIGNING_SECRET = 'chaos-signing-secret';
const BOT_TOKEN = 'xoxb-test-token';
const PREFIX = 'chaos';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    socket.setTimeout(500, () => (socket.destroy(), done(false)));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (d) => (socket.destroy(), done(d.toString().startsWith('+PONG'))));
  });
}

/**
 * A redis-server of our own, AOF fsync'd on every write by default: a restart loses nothing.
 * Benchmarks pass `everysec`, the setting most deployments run (at most a second lost on a crash).
 */
export class OwnRedis {
  private child?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'genbot-chaos-redis-'));
  constructor(readonly port: number, readonly fsync: 'always' | 'everysec' = 'always') {}
  /** The server's process id, to sample its CPU. */
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.fsync, '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await answers(this.port)); i++) await sleep(50);
    if (!(await answers(this.port))) throw new Error('own redis-server did not start');
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type Role = 'ingress' | 'worker';

class BotProcess {
  child?: ChildProcess;
  output = '';
  constructor(readonly role: Role, readonly env: Record<string, string>) {}
  start(): void {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main/index.ts'], { env: { PATH: inheritedPath(), ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
  }
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}

export interface ClusterOptions {
  workers: number;
  /** How long each simulated provider job takes. */
  jobMs: number;
  /** BullMQ lock: how soon a killed worker's jobs are picked up again. */
  lockSeconds?: number;
}

export class ChaosCluster {
  readonly slack = new FakeSlack();
  sim!: KreaSimulator;
  redis!: OwnRedis;
  ingressPort = 0;
  readonly processes: BotProcess[] = [];
  private commands = 0;

  constructor(readonly options: ClusterOptions) {}

  get ingressUrl(): string {
    return `http://127.0.0.1:${this.ingressPort}`;
  }

  async start(): Promise<void> {
    await this.slack.start();
    this.sim = await startKreaSimulator({ jobDurationMs: this.options.jobMs });
    this.redis = new OwnRedis(await freePort());
    await this.redis.start();
    // Enough room that the line is not what the run measures.
    const admin = new Redis(this.redis.url);
    await admin.hset(`${PREFIX}:ws:slack:T1:settings`, 'maxConcurrentJobs', '50');
    admin.disconnect();
    this.ingressPort = await freePort();
    const base = {
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: PREFIX,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.slack.apiUrl,
      KREA_API_URL: this.sim.url,
      KREA_API_TOKEN: 'chaos-krea-key',
      // Krea calls the ingress when a job ends: completion needs no further poll.
      PUBLIC_URL: this.ingressUrl,
      LOG_LEVEL: 'warn',
      JOB_LOCK_SECONDS: String(this.options.lockSeconds ?? 4),
      SWEEP_SECONDS: '2',
      WORKER_CONCURRENCY: '16',
    };
    this.processes.push(new BotProcess('ingress', { ...base, BOT_ROLE: 'ingress', PORT: String(this.ingressPort) }));
    for (let i = 0; i < this.options.workers; i++) this.processes.push(new BotProcess('worker', { ...base, BOT_ROLE: 'worker', PORT: String(await freePort()) }));
    for (const p of this.processes) p.start();
    await this.waitReady();
  }

  private async waitReady(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const ok = await fetch(`${this.ingressUrl}/healthz`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > until) throw new Error(`ingress did not start:\n${this.processes[0]!.output}`);
      await sleep(100);
    }
  }

  workers(): BotProcess[] {
    return this.processes.filter((p) => p.role === 'worker');
  }

  async kill(process: BotProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await process.stop(signal);
  }

  restart(process: BotProcess): void {
    process.start();
  }

  /** A signed /generate; resolves with the HTTP status and how long the ack took. */
  async generate(prompt: string): Promise<{ status: number; ms: number; id: string }> {
    const id = `chaos-${++this.commands}`;
    const body = new URLSearchParams({ command: '/generate', text: prompt, team_id: 'T1', channel_id: 'C1', user_id: 'UALICE', user_name: 'alice', trigger_id: `trig-${id}`, response_url: `${this.slack.url}/respond/${id}` }).toString();
    const started = Date.now();
    const res = await fetch(`${this.ingressUrl}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SIGNING_SECRET, body) }, body, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return { status: res.status, ms: Date.now() - started, id };
  }

  /** For a failure report: where each job stands in Redis (step, retries, outcome). */
  async jobStates(): Promise<string[]> {
    const redis = new Redis(this.redis.url);
    try {
      const out: string[] = [
        `running: ${(await redis.smembers(`${PREFIX}:gen:running:slack:T1`)).join(' ')}`,
        `line: ${(await redis.zrange(`${PREFIX}:gen:line:slack:T1`, 0, -1)).join(' ')}`,
        `settings: ${JSON.stringify(await redis.hgetall(`${PREFIX}:ws:slack:T1:settings`))}`,
      ];
      for (let i = 1; i <= this.commands; i++) {
        const raw = await redis.hget(`${PREFIX}:generate:g-cmd_trig-chaos-${i}`, 'data');
        const state = await redis.hget(`${PREFIX}:generate:g-cmd_trig-chaos-${i}`, 'failedReason');
        if (!raw) {
          out.push(`chaos-${i}: no job`);
          continue;
        }
        const data = JSON.parse(raw) as { request?: { prompt?: string }; step?: string; retries?: number; crashes?: number; operations?: unknown[]; delivered?: number[]; slotAt?: number; submitting?: unknown; outcome?: { state: string; reason?: string } };
        const bull = await redis.hmget(`${PREFIX}:generate:g-cmd_trig-chaos-${i}`, 'delay', 'timestamp', 'processedOn', 'attemptsMade', 'stalledCounter');
        out.push(`chaos-${i} "${data.request?.prompt}": step ${data.step}, ops ${data.operations?.length}, slotAt ${data.slotAt ?? '-'}, submitting ${JSON.stringify(data.submitting ?? null)}, delivered ${JSON.stringify(data.delivered)}, retries ${data.retries}, crashes ${data.crashes}, bull ${JSON.stringify(bull)}, outcome ${data.outcome?.state ?? null}${state ? `, failed: ${state}` : ''}`);
      }
      return out;
    } finally {
      redis.disconnect();
    }
  }

  /** Provider jobs for a prompt that will be billed (not cancelled, not failed). */
  billedFor(prompt: string): number {
    return this.sim.jobs().filter((j) => j.body['prompt'] === prompt && j.cancelledAt === undefined && !j.fails).length;
  }

  /** Files delivered into Slack for a prompt (files are named from the prompt). */
  deliveredFor(prompt: string): number {
    const slug = prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const completed = this.slack.callsTo('files.completeUploadExternal').flatMap((c) => {
      const files = typeof c.args['files'] === 'string' ? (JSON.parse(c.args['files']) as Array<{ id: string }>) : ((c.args['files'] ?? []) as Array<{ id: string }>);
      return files.map((f) => this.slack.uploads.get(f.id)?.filename ?? '');
    });
    return completed.filter((name) => name.startsWith(`${slug}-1.`)).length;
  }

  async stop(): Promise<void> {
    for (const p of this.processes) await p.stop('SIGKILL');
    await this.sim?.close();
    await this.slack.stop();
    await this.redis?.destroy();
  }
}
