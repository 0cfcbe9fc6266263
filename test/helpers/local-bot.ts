/** Starts the whole bot in local mode against the test Redis, on a free port, with a unique key prefix. */
import { startBot, type RunningBot } from '../../src/main/compose.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import type { WebMessage } from '../../adapters/web/store.js';
import { testRedisUrl, uniquePrefix } from './redis-url.js';

/** With ADMIN_PASSWORD the playground asks for it: the helpers below send it. */
const passwords = new WeakMap<RunningBot, string>();

export async function startLocalBot(env: Record<string, string> = {}): Promise<RunningBot> {
  const config = loadConfig({ REDIS_URL: testRedisUrl(), REDIS_PREFIX: uniquePrefix('bot'), PORT: '0', LOG_LEVEL: 'silent', ...env });
  const bot = await startBot({ config, logger: silentLogger(), banner: false, simulatorMsPerSecond: 20 });
  if (env['ADMIN_PASSWORD']) passwords.set(bot, env['ADMIN_PASSWORD']);
  return bot;
}

/** The Authorization header a bot's playground wants (none without a password). */
export function playgroundAuth(bot: RunningBot): Record<string, string> {
  const password = passwords.get(bot);
  return password ? { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } : {};
}

/** fetch() on the playground, with its password when it has one. */
export function playgroundFetch(bot: RunningBot, url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...playgroundAuth(bot) } });
}

export async function messages(bot: RunningBot): Promise<WebMessage[]> {
  return (await (await playgroundFetch(bot, `${bot.url}/api/messages`)).json()) as WebMessage[];
}

export async function waitForMessage(bot: RunningBot, predicate: (m: WebMessage, all: WebMessage[]) => boolean, timeoutMs = 20_000): Promise<WebMessage> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const all = await messages(bot);
    const found = all.find((m) => predicate(m, all));
    if (found) return found;
    if (Date.now() > until) throw new Error(`no such message; have: ${JSON.stringify(all.map((m) => [m.author, m.text ?? m.view?.text, m.files.length]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function send(bot: RunningBot, path: string, body: unknown): Promise<Response> {
  return playgroundFetch(bot, `${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

export const progressLabel = (m: WebMessage): string | undefined => {
  const b = m.view?.blocks.find((x) => x.type === 'progress');
  return b?.type === 'progress' ? b.label : undefined;
};
