/**
 * A bot process of one role (BOT_ROLE), for benchmarks that measure processes apart. It runs the
 * compiled build (`dist/src/main/index.js`, what the Docker image runs), not tsx: tsx alone adds
 * ~100 MB of RSS and its own CPU. `buildOnce()` compiles it first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inheritedPath } from '../test/helpers/chaos-mode.js';
import { stopProcess } from './lib.js';

export interface BotProcess {
  child: ChildProcess;
  /** The last lines it printed, for an error report. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The node flags docker-compose.yml gives its worker containers (their NODE_OPTIONS), so the bench
 * runs worker processes as they are deployed. The ingress and BOT_ROLE=all run with node's defaults.
 */
export function workerNodeFlags(compose = readFileSync('docker-compose.yml', 'utf8')): string[] {
  const worker = compose.slice(compose.indexOf('\n  worker:'));
  const options = /NODE_OPTIONS:\s*"([^"]*)"/.exec(worker)?.[1];
  if (options === undefined) throw new Error('docker-compose.yml: no NODE_OPTIONS for the worker service');
  return options.split(/\s+/).filter(Boolean);
}

/** Extra node flags for the bot processes (`npm run bench -- --bot-node-args="…"`). */
let nodeArgs: string[] = [];
export function setBotNodeArgs(args: string[]): void {
  nodeArgs = args;
}
/** The flags set above, for benches that start the bot their own way (bench/ack.ts). */
export function botNodeArgs(): readonly string[] {
  return nodeArgs;
}

export function startBotProcess(env: Record<string, string>): BotProcess {
  const roleFlags = env['BOT_ROLE'] === 'worker' ? workerNodeFlags() : [];
  const child = spawn(process.execPath, [...roleFlags, ...nodeArgs, 'dist/src/main/index.js'], { env: { PATH: inheritedPath(), LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => void (out = (out + d.toString()).slice(-10_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    child,
    output: () => out,
    stop: () => stopProcess(child),
  };
}

let built = false;
/** `npm run build` once per bench run, so the processes run today's code. */
export function buildOnce(): void {
  if (built) return;
  const res = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('npm run build failed');
  built = true;
}
