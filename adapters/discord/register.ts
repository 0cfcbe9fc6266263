/** Registers the application commands, globally or in one guild; skips the call when nothing changed. */
import { REST } from '@discordjs/rest';
import type { CommandSpec } from '../../src/command.js';
import { sameCommands, toApplicationCommands } from './commands-json.js';

export async function registerDiscordCommands(options: { token: string; applicationId: string; apiUrl: string; guildId?: string; specs: readonly CommandSpec[]; force?: boolean }): Promise<'registered' | 'unchanged'> {
  const rest = new REST({ api: options.apiUrl, version: '10' }).setToken(options.token);
  const route: `/${string}` = options.guildId ? `/applications/${options.applicationId}/guilds/${options.guildId}/commands` : `/applications/${options.applicationId}/commands`;
  const wanted = toApplicationCommands(options.specs);
  if (!options.force) {
    const current = (await rest.get(route)) as unknown[];
    if (sameCommands(current, wanted)) return 'unchanged';
  }
  await rest.put(route, { body: wanted });
  return 'registered';
}
