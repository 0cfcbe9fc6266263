/**
 * Local mode's own Redis: when REDIS_URL is unset and nothing answers on 127.0.0.1:6379, a private
 * `redis-server` child (loopback, AOF on, data under ./data/redis, noeviction as BullMQ needs)
 * that stops with the bot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { resolve } from 'node:path';

export class RedisBinaryMissing extends Error {
  constructor() {
    super(
      'Local mode needs Redis and none answers on 127.0.0.1:6379, and no `redis-server` is installed to start one.\n' +
        '  Install it (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`), or set REDIS_URL to a Redis you have.',
    );
  }
}

/** True when something at `url` answers PING. */
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
  stop(): Promise<void>;
}

export async function startEmbeddedRedis(options: { dataDir?: string; binary?: string } = {}): Promise<EmbeddedRedis> {
  const dir = resolve(options.dataDir ?? 'data/redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--save', '', '--protected-mode', 'yes'];
  const child: ChildProcess = spawn(options.binary ?? 'redis-server', args, { stdio: 'ignore' });
  const spawnError = new Promise<never>((_, fail) =>
    child.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? new RedisBinaryMissing() : err)),
  );
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(url, 200)) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('redis-server did not start within 5 s');
  })();
  await Promise.race([ready, spawnError]);
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
