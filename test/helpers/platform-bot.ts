/**
 * The real bot (startBot) wired to a loopback fake platform and a Krea simulator, as the platform
 * integration tests start it: the common settings in one place, each test adding its own.
 */
import type { KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startBot, type RunningBot } from '../../src/main/compose.js';
import { APP_ID, GUILD_ID, type FakeDiscord } from '../fakes/discord/server.js';
import type { FakeSlack } from '../fakes/slack/server.js';
import { testRedisUrl } from './redis-url.js';

const common = (sim: KreaSimulator, prefix: string) => ({
  REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'silent',
  KREA_API_URL: sim.url, KREA_API_TOKEN: 'krea-test-key', POLL_SCALE: '0.05',
});

/** Discord against the fake (its gateway connected before this returns). */
export async function startDiscordTestBot(fake: FakeDiscord, sim: KreaSimulator, options: { prefix: string; env?: Record<string, string> }): Promise<RunningBot> {
  const config = loadConfig({
    ...common(sim, options.prefix),
    DISCORD_TOKEN: 'discord-test-token', DISCORD_APPLICATION_ID: APP_ID, DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: fake.apiUrl,
    ...options.env,
  });
  const bot = await startBot({ config, logger: silentLogger(), banner: false });
  await fake.connected();
  return bot;
}

/** Slack in HTTP mode against the fake, one workspace's bot token. */
export async function startSlackTestBot(fake: FakeSlack, sim: KreaSimulator, options: { prefix: string; signingSecret: string; env?: Record<string, string> }): Promise<RunningBot> {
  const config = loadConfig({
    ...common(sim, options.prefix),
    SLACK_API_URL: fake.apiUrl, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: options.signingSecret,
    ...options.env,
  });
  return startBot({ config, logger: silentLogger(), banner: false });
}
