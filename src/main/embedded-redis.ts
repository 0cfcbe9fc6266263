/**
 * Local mode's own Redis: when REDIS_URL is unset and nothing answers on 127.0.0.1:6379, a private
 * `redis-server` child (loopback, AOF on, data under ./data/redis, noeviction as BullMQ needs)
 * that stops with the bot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from '../logger.js';

export class RedisBinaryMissing extends Error {
  constructor(binary = 'redis-server') {
    super(
      `Local mode needs Redis and none answers on 127.0.0.1:6379, and no \`${binary}\` is installed to start one.\n` +
        '  Install it (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`), or set REDIS_URL to a Redis you have.',
    );
    this.name = 'RedisBinaryMissing';
  }
}

/** True when something at `url` answers PING (a password-protected Redis answering NOAUTH counts). */
export function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(Number(u.port || 6379), u.hostname, () => socket.write('PING\r\n'));
    socket.once('data', (d) => finish(/^\+PONG|^-NOAUTH/.test(d.toString())));
  });
}

/** The pid of the redis-server answering on `port`, so we never mistake another Redis for ours. */
function answeringPid(port: number, timeoutMs: number): Promise<number | undefined> {
  return new Promise((done) => {
    const socket = new Socket();
    let text = '';
    const finish = (pid: number | undefined) => {
      socket.destroy();
      done(pid);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.connect(port, '127.0.0.1', () => socket.write('INFO server\r\n'));
    socket.on('data', (d) => {
      text += d.toString();
      if (text.startsWith('-')) return finish(undefined);
      const m = /process_id:(\d+)/.exec(text);
      if (m) finish(Number(m[1]));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

export interface EmbeddedRedis {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Where the AOF lives; default ./data/redis. */
  dataDir?: string;
  /** Default: a free loopback port. */
  port?: number;
  logger?: Logger;
  /** Default `redis-server` from PATH. */
  binary?: string;
  startTimeoutMs?: number;
}

export async function startEmbeddedRedis(options: EmbeddedRedisOptions = {}): Promise<EmbeddedRedis> {
  const dataDir = resolve(options.dataDir ?? 'data/redis');
  mkdirSync(dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const binary = options.binary ?? 'redis-server';
  // `--save ''`: AOF is the durability story; RDB snapshots would only add disk churn.
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dataDir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', '', '--protected-mode', 'yes'];
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Keep the tail of redis' own output: it is the only useful explanation when it refuses to start.
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-2000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<never>((_, fail) =>
    child.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? new RedisBinaryMissing(binary) : err)),
  );
  spawnError.catch(() => {});
  const url = `redis://127.0.0.1:${port}`;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  // If the bot dies without calling stop(), its Redis must not linger.
  process.once('exit', kill);

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  const ready = (async () => {
    for (;;) {
      if ((await answeringPid(port, 200)) === child.pid) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${url} in time`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (err) {
    kill();
    process.off('exit', kill);
    throw err;
  }
  options.logger?.info({ url, dataDir }, 'embedded redis-server started');

  return {
    url,
    port,
    dataDir,
    stop: () =>
      new Promise<void>((done) => {
        process.off('exit', kill);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        // SIGTERM makes redis flush the AOF and exit; SIGKILL only if it hangs.
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          options.logger?.info({ url }, 'embedded redis-server stopped');
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
