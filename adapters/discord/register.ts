/**
 * Registers the application commands, globally or in one guild (DISCORD_GUILD_ID: guild commands
 * show at once, global ones can take up to an hour). PUT replaces the whole set, so a command
 * removed from the specs disappears too. Skips the PUT when the registered set already matches.
 */
import { REST } from '@discordjs/rest';
import { z } from 'zod';
import type { CommandSpec } from '../../src/command.js';
import { sameCommands, toApplicationCommands } from './commands-json.js';
import { makeDiscordRequest } from './rest-request.js';

export interface RegisterDiscordOptions {
  token: string;
  applicationId: string;
  /** REST base without the version (DISCORD_API_URL). */
  apiUrl: string;
  guildId?: string;
  specs: readonly CommandSpec[];
  /** PUT even when the registered set looks the same. */
  force?: boolean;
  signal?: AbortSignal;
}

export async function registerDiscordCommands(options: RegisterDiscordOptions): Promise<'registered' | 'unchanged'> {
  const rest = new REST({ api: options.apiUrl, version: '10', makeRequest: makeDiscordRequest }).setToken(options.token);
  const route: `/${string}` = options.guildId ? `/applications/${options.applicationId}/guilds/${options.guildId}/commands` : `/applications/${options.applicationId}/commands`;
  const wanted = toApplicationCommands(options.specs);
  const signal = options.signal ? { signal: options.signal } : {};
  if (!options.force) {
    const current = z.array(z.record(z.string(), z.unknown())).parse(await rest.get(route, signal));
    if (sameCommands(current, wanted)) return 'unchanged';
  }
  await rest.put(route, { body: wanted, ...signal });
  return 'registered';
}
