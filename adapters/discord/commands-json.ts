/**
 * Application commands built from the shared CommandSpecs: the same declaration that parses Slack
 * text becomes Discord options (types, choices, limits, autocomplete). Plus the message
 * context-menu command "Animate image". Pure: registration is register.ts.
 */
import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { CommandSpec, ParamSpec } from '../../src/command.js';
import { ANIMATE_CONTEXT_MENU } from './parse.js';

export { ANIMATE_CONTEXT_MENU };

/** Discord's limits for application commands. */
export const COMMAND_LIMITS = { choices: 25, options: 25, description: 100, name: 32, maxLength: 6000 } as const;

const OPTION_TYPE = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  boolean: ApplicationCommandOptionType.Boolean,
  number: ApplicationCommandOptionType.Number,
  attachment: ApplicationCommandOptionType.Attachment,
} as const;
const CHAT_INPUT = ApplicationCommandType.ChatInput;
const MESSAGE = ApplicationCommandType.Message;
/**
 * Where a command can be used. Admin commands stay in servers (their settings and keys belong to
 * a server). The rest also work in a DM with the bot (BotDM): the bot posts there with its own
 * token, like in a channel. Not PrivateChannel (group DMs and DMs between other users): that
 * context exists only for user-installed apps, whose only way to post is the interaction's
 * 15-minute webhook, which the job pipeline does not use.
 */
const GUILD_ONLY = [InteractionContextType.Guild];
const GUILD_AND_DM = [InteractionContextType.Guild, InteractionContextType.BotDM];
/** Installed to servers, not to users' accounts (see above). */
const GUILD_INSTALL = [ApplicationIntegrationType.GuildInstall];
/**
 * Commands only admins may use. Discord hides them from members without Manage Server (a server
 * admin can still change that per role or channel in Server Settings → Integrations); the
 * commands check again themselves, since that setting can be changed.
 *
 * Assumption (Discord's application command docs): `default_member_permissions` is a permission
 * bit set as a decimal string; `contexts` and `integration_types` replace the deprecated
 * `dm_permission`, which is therefore not sent.
 */
export const ADMIN_COMMANDS: ReadonlySet<string> = new Set(['connect', 'settings']);
const ADMIN_PERMISSIONS = String(PermissionFlagsBits.ManageGuild);

export interface CommandOptionJson {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  max_length?: number;
}

export interface ApplicationCommandJson {
  name: string;
  type: number;
  description: string;
  options?: CommandOptionJson[];
  contexts: number[];
  integration_types: number[];
  default_member_permissions?: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function optionsOf(param: ParamSpec): CommandOptionJson[] {
  const description = clip(param.description, COMMAND_LIMITS.description);
  if (param.kind === 'attachment') {
    // One option per accepted file: image, image2, image3 … (Discord has no multi-file option).
    const n = Math.max(1, param.multiple ?? 1);
    return Array.from({ length: n }, (_, i) => ({
      type: OPTION_TYPE.attachment,
      name: i === 0 ? param.name : `${param.name}${i + 1}`,
      description: i === 0 ? description : clip(`Another ${param.description.charAt(0).toLowerCase()}${param.description.slice(1)}`, COMMAND_LIMITS.description),
      // Only the first can be required; the others are extras.
      ...(i === 0 && param.required ? { required: true } : {}),
    }));
  }
  const option: CommandOptionJson = { type: OPTION_TYPE[param.kind], name: param.name, description, ...(param.required ? { required: true } : {}) };
  // Choices and autocomplete exclude each other on Discord: a dynamic list wins.
  if (param.autocomplete) option.autocomplete = true;
  else if (param.choices?.length && param.kind !== 'boolean') {
    option.choices = param.choices.slice(0, COMMAND_LIMITS.choices).map((c) => ({ name: clip(c.name, 100), value: c.value }));
  }
  if (param.kind === 'integer' || param.kind === 'number') {
    if (param.min !== undefined) option.min_value = param.min;
    if (param.max !== undefined) option.max_value = param.max;
  }
  if (param.kind === 'string' && param.maxLength !== undefined) option.max_length = Math.min(COMMAND_LIMITS.maxLength, param.maxLength);
  return [option];
}

/** CHAT_INPUT commands for every visible spec, then the "Animate image" message command. */
export function toApplicationCommands(specs: readonly CommandSpec[]): ApplicationCommandJson[] {
  const chat = specs
    .filter((s) => !s.hidden)
    .map((spec): ApplicationCommandJson => {
      const options = spec.params.flatMap(optionsOf);
      // Discord refuses a required option after an optional one; the sort is stable otherwise.
      options.sort((a, b) => Number(!!b.required) - Number(!!a.required));
      if (options.length > COMMAND_LIMITS.options) throw new Error(`/${spec.name} has ${options.length} options; Discord allows ${COMMAND_LIMITS.options}`);
      return {
        name: spec.name,
        type: CHAT_INPUT,
        description: clip(spec.description, COMMAND_LIMITS.description),
        ...(options.length > 0 ? { options } : {}),
        contexts: ADMIN_COMMANDS.has(spec.name) ? GUILD_ONLY : GUILD_AND_DM,
        integration_types: GUILD_INSTALL,
        ...(ADMIN_COMMANDS.has(spec.name) ? { default_member_permissions: ADMIN_PERMISSIONS } : {}),
      };
    });
  return [...chat, { name: ANIMATE_CONTEXT_MENU, type: MESSAGE, description: '', contexts: GUILD_AND_DM, integration_types: GUILD_INSTALL }];
}

/** Only what we set, with Discord's defaults filled in, so a GET answer compares equal to what we PUT. */
function normalizeOption(o: Record<string, unknown>): unknown {
  return {
    type: o['type'],
    name: o['name'],
    description: o['description'] ?? '',
    required: o['required'] === true,
    autocomplete: o['autocomplete'] === true,
    choices: Array.isArray(o['choices']) && o['choices'].length > 0 ? (o['choices'] as Array<Record<string, unknown>>).map((c) => [c['name'], c['value']]) : [],
    min: o['min_value'] ?? null,
    max: o['max_value'] ?? null,
    maxLength: o['max_length'] ?? null,
    options: Array.isArray(o['options']) ? (o['options'] as Array<Record<string, unknown>>).map(normalizeOption) : [],
  };
}

function normalizeCommand(c: Record<string, unknown>): string {
  const contexts = Array.isArray(c['contexts']) ? [...(c['contexts'] as number[])].sort() : null;
  const integrationTypes = Array.isArray(c['integration_types']) ? [...(c['integration_types'] as number[])].sort() : null;
  const permissions = c['default_member_permissions'];
  return JSON.stringify({
    name: c['name'],
    type: c['type'] ?? CHAT_INPUT,
    description: c['description'] ?? '',
    contexts,
    integrationTypes,
    // GET answers null for "everyone"; a changed permission must trigger a new PUT.
    permissions: typeof permissions === 'string' ? permissions : null,
    options: Array.isArray(c['options']) ? (c['options'] as Array<Record<string, unknown>>).map(normalizeOption) : [],
  });
}

/**
 * Whether the registered set (a GET answer, with ids, versions and other fields Discord adds)
 * already is the wanted set; order of commands does not matter, order of options does.
 */
export function sameCommands(registered: readonly unknown[], wanted: readonly ApplicationCommandJson[]): boolean {
  const a = registered.map((c) => normalizeCommand(c as Record<string, unknown>)).sort();
  const b = wanted.map((c) => normalizeCommand(c as unknown as Record<string, unknown>)).sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
