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
 * The node flags the Docker image runs the bot with, read from the Dockerfile's ENTRYPOINT (the
 * words between `node` and the script), so the bench measures the bot as it is deployed.
 */
export function imageNodeFlags(dockerfile = readFileSync('Dockerfile', 'utf8')): string[] {
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const words = line ? (JSON.parse(line) as string[]) : [];
  const node = words.indexOf('node');
  const script = words.indexOf('dist/src/main/index.js');
  if (node < 0 || script < node) throw new Error('Dockerfile: no ENTRYPOINT running node dist/src/main/index.js');
  return words.slice(node + 1, script);
}

/** Extra node flags for the bot processes (`npm run bench -- --bot-node-args="…"`). */
let nodeArgs: string[] = [];
export function setBotNodeArgs(args: string[]): void {
  nodeArgs = args;
}
/** The image's flags and the ones set above, for every bot process a bench starts (bench/ack.ts too). */
export function botNodeArgs(): readonly string[] {
  return [...imageNodeFlags(), ...nodeArgs];
}

export function startBotProcess(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, [...botNodeArgs(), 'dist/src/main/index.js'], { env: { PATH: inheritedPath(), LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
