/**
 * Redis MONITOR on a plain socket: every command the server runs, those inside Lua scripts
 * included, as argument lists. (ioredis's own monitor() races its ready check on a busy server.)
 */
import { connect, type Socket } from 'node:net';
import { testRedisUrl } from './redis-url.js';

export interface RedisMonitor {
  /** Commands seen so far, each as its arguments (the command name first, lower-cased). */
  readonly commands: string[][];
  close(): void;
}

export async function monitorRedis(url = testRedisUrl()): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port || 6379), hostname || '127.0.0.1');
  const commands: string[][] = [];
  let buffer = '';
  let started!: () => void;
  let failed!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => ((started = resolve), (failed = reject)));
  socket.on('error', (err) => failed(err));
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf('\r\n', start)) >= 0) {
      const line = buffer.slice(start, end);
      start = end + 2;
      if (line === '+OK') started();
      else if (line.startsWith('-')) failed(new Error(`MONITOR refused: ${line}`));
      // +1795863777.667266 [0 127.0.0.1:33082] "hset" "key" "field" "value"
      else if (line.startsWith('+')) {
        const args = parseQuoted(line.slice(line.indexOf(']') + 1));
        if (args[0]) args[0] = args[0].toLowerCase();
        commands.push(args);
      }
    }
    buffer = buffer.slice(start);
  });
  socket.write('MONITOR\r\n');
  await ready;
  return { commands, close: () => socket.destroy() };
}

/** The quoted arguments of a MONITOR line, unescaped (Redis writes them as sdscatrepr does). */
function parseQuoted(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"') continue;
    let bytes: number[] = [];
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] !== '\\') {
        bytes.push(text.charCodeAt(i));
        continue;
      }
      const c = text[++i];
      if (c === 'x') {
        bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(({ n: 10, r: 13, t: 9, a: 7, b: 8 } as Record<string, number>)[c!] ?? c!.charCodeAt(0));
    }
    out.push(Buffer.from(bytes).toString('utf8'));
    bytes = [];
  }
  return out;
}
