/**
 * Runs once before the suite: the pipeline tests need a real Redis (BullMQ runs Lua scripts that
 * no mock can). When none answers, the whole run fails here, loudly; nothing is skipped.
 */
import { Socket } from 'node:net';
import { testRedisUrl } from './redis-url.js';

function ping(url: URL): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timed out'));
    }, 3000);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.connect(Number(url.port || 6379), url.hostname, () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.end();
      resolve(data.toString().trim());
    });
  });
}

export default async function setup(): Promise<void> {
  const url = new URL(testRedisUrl());
  try {
    const answer = await ping(url);
    if (!answer.startsWith('+PONG') && !answer.includes('NOAUTH')) throw new Error(`unexpected answer ${answer}`);
  } catch (err) {
    throw new Error(
      `The tests need a Redis server at ${url.host} (set TEST_REDIS_URL to use another). ` +
        `Start one with: redis-server --daemonize yes --bind 127.0.0.1 --port ${url.port || 6379}. ` +
        `(${(err as Error).message})`,
    );
  }
}
