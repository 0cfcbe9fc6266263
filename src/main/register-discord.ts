/** `npm run register:discord`: puts the commands (from the shared specs) on Discord, globally or in DISCORD_GUILD_ID. */
import { registerDiscordCommands } from '../../adapters/discord/register.js';
import { allSpecs } from '../../commands/specs.js';
import { ConfigError, loadConfig } from '../config.js';

try {
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) throw new ConfigError(['DISCORD_TOKEN and DISCORD_APPLICATION_ID: both are needed to register commands']);
  const result = await registerDiscordCommands({ token: config.DISCORD_TOKEN, applicationId: config.DISCORD_APPLICATION_ID, apiUrl: config.DISCORD_API_URL, ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}), specs: allSpecs, force: true, signal: AbortSignal.timeout(60_000) });
  process.stdout.write(`Commands ${result} ${config.DISCORD_GUILD_ID ? `in guild ${config.DISCORD_GUILD_ID}` : 'globally (may take up to an hour to show everywhere)'}.\n`);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
