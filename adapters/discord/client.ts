/**
 * The Discord adapter on discord.js: a gateway client with exactly the intents the features need
 * (Guilds + GuildMessageReactions; MessageContent only when the operator enabled it), partials so
 * reactions on uncached messages arrive. Interactions are deferred first (within 3 s), then handed
 * to the dispatcher; the status message itself is an ordinary bot message, never the 15-minute
 * interaction token.
 */
import {
  Client,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type User,
} from 'discord.js';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import type { Invocation } from '../../src/invocation.js';
import type { Logger } from '../../src/logger.js';
import type { Actor, MediaRef } from '../../src/model.js';
import type { Responder } from '../../src/ports.js';
import { decodeButtonId, type MessageView } from '../../src/view.js';
import { ANIMATE_CONTEXT_MENU } from './commands-json.js';
import { mediaOfMessage } from './platform.js';
import { renderDiscordMessage } from './render.js';

export interface DiscordAdapterOptions {
  token: string;
  apiUrl: string;
  dispatcher: Dispatcher;
  logger: Logger;
  messageContentIntent: boolean;
  /** Commands that answer with a private form instead of a deferral (the form must be the first answer). */
  formCommands?: string[];
}

export interface DiscordAdapter {
  client: Client;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function discordIntents(messageContent: boolean): GatewayIntentBits[] {
  return [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, ...(messageContent ? [GatewayIntentBits.MessageContent] : [])];
}

function actorOf(user: { id: string; username?: string; globalName?: string | null }, permissions: { has(p: bigint): boolean } | null | undefined): Actor {
  return { userId: user.id, displayName: user.globalName ?? user.username ?? user.id, isAdmin: !!permissions?.has(PermissionFlagsBits.ManageMessages) };
}

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const log = options.logger.child({ adapter: 'discord' });
  const client = new Client({
    intents: discordIntents(options.messageContentIntent),
    partials: [Partials.Message, Partials.Channel, Partials.Reaction],
    rest: { api: options.apiUrl },
  });
  const formCommands = new Set(options.formCommands ?? ['connect']);

  const dispatch = (invocation: Invocation, responder: Responder) => {
    void options.dispatcher.dispatch(invocation, responder).catch((err: unknown) => log.error({ err }, 'dispatch failed'));
  };

  function interactionResponder(interaction: Interaction & { editReply?: unknown }): Responder {
    const repliable = interaction.isRepliable() ? interaction : undefined;
    return {
      async reply(view: MessageView, opts) {
        if (!repliable) return;
        const payload = renderDiscordMessage(view);
        const ephemeral = opts?.ephemeral !== false;
        if (repliable.deferred && !repliable.replied) await repliable.editReply(payload);
        else if (repliable.replied || repliable.deferred) await repliable.followUp({ ...payload, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
        else await repliable.reply({ ...payload, ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
      },
      async settle(view) {
        // Closing the deferred reply is a courtesy: the work already started, so a failure here is only logged.
        if (repliable?.deferred && !repliable.replied) await repliable.editReply(renderDiscordMessage(view)).catch((err: unknown) => log.warn({ err }, 'could not close the deferred reply'));
      },
      async choices(choices) {
        if (interaction.isAutocomplete()) await interaction.respond(choices.slice(0, 25));
      },
      async openForm(form) {
        if (!interaction.isChatInputCommand() || interaction.deferred || interaction.replied) return;
        await interaction.showModal({
          custom_id: form.id,
          title: form.title.slice(0, 45),
          components: form.fields.map((f) => ({ type: 1, components: [{ type: 4, custom_id: f.id, label: f.label.slice(0, 45), style: 1, required: true, ...(f.placeholder ? { placeholder: f.placeholder } : {}), ...(f.maxLength ? { max_length: f.maxLength } : {}) }] })),
        } as never);
      },
    };
  }

  client.on('interactionCreate', async (interaction) => {
    try {
      const guildId = interaction.guildId;
      if (!guildId || !interaction.channelId) return;
      const base = {
        id: `int:${interaction.id}`,
        platform: 'discord' as const,
        workspaceId: guildId,
        actor: actorOf(interaction.user, interaction.memberPermissions),
        receivedAt: Date.now(),
      };
      const channel = interaction.channel;
      const inThread = !!channel?.isThread();
      const conversation = { platform: 'discord' as const, workspaceId: guildId, channelId: inThread ? (channel!.parentId ?? interaction.channelId) : interaction.channelId, ...(inThread ? { threadId: interaction.channelId } : {}) };
      const responder = interactionResponder(interaction);

      if (interaction.isAutocomplete()) {
        const focused = interaction.options.getFocused(true);
        return dispatch({ ...base, kind: 'autocomplete', conversation, command: interaction.commandName, option: focused.name, partial: String(focused.value) }, responder);
      }
      if (interaction.isChatInputCommand()) {
        const options: Record<string, unknown> = {};
        const attachments: MediaRef[] = [];
        for (const opt of interaction.options.data) {
          if (opt.attachment) {
            const a = opt.attachment;
            const media: MediaRef = { url: a.url, source: 'discord', name: a.name, ...(a.contentType ? { mimeType: a.contentType.split(';')[0]! } : {}), sizeBytes: a.size };
            attachments.push(media);
          } else if (opt.value !== undefined) {
            options[opt.name] = opt.value;
          }
        }
        // A form must be the first answer: no deferral for commands that may open one.
        if (!formCommands.has(interaction.commandName)) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        return dispatch({ ...base, kind: 'command', conversation, command: interaction.commandName, options, attachments }, responder);
      }
      if (interaction.isMessageContextMenuCommand() && interaction.commandName === ANIMATE_CONTEXT_MENU) {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const target = interaction.targetMessage;
        const media = mediaOfMessage({ id: target.id, channel_id: target.channelId, attachments: [...target.attachments.values()].map((a) => ({ url: a.url, filename: a.name, ...(a.contentType ? { content_type: a.contentType } : {}), size: a.size })), embeds: target.embeds.map((e) => ({ ...(e.image ? { image: { url: e.image.url } } : {}), ...(e.thumbnail ? { thumbnail: { url: e.thumbnail.url } } : {}) })) });
        return dispatch({ ...base, kind: 'shortcut', conversation, shortcut: 'animate', message: { ...conversation, messageId: target.id }, messageText: target.content ?? '', media }, responder);
      }
      if (interaction.isButton()) {
        const action = decodeButtonId(interaction.customId);
        if (!action) return;
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        return dispatch({ ...base, kind: 'action', conversation, action, message: { ...conversation, messageId: interaction.message.id } }, responder);
      }
      if (interaction.isModalSubmit()) {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const values: Record<string, string> = {};
        for (const row of interaction.fields.fields.values()) values[row.customId] = 'value' in row ? String(row.value) : '';
        return dispatch({ ...base, kind: 'submit', conversation, form: interaction.customId, values }, responder);
      }
    } catch (err) {
      log.error({ err }, 'interaction handling failed');
    }
  });

  client.on('messageReactionAdd', async (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => {
    try {
      if (user.bot) return;
      const full = reaction.partial ? await reaction.fetch() : reaction;
      const message = full.message.partial ? await full.message.fetch() : full.message;
      const guildId = message.guildId;
      if (!guildId) return;
      const emoji = full.emoji.name === '🎬' ? 'clapper' : full.emoji.name === '❌' ? 'x' : (full.emoji.name ?? '');
      const member = await message.guild?.members.fetch(user.id).catch(() => undefined);
      const inThread = message.channel.isThread();
      const conversation = { platform: 'discord' as const, workspaceId: guildId, channelId: inThread ? (message.channel.parentId ?? message.channelId) : message.channelId, ...(inThread ? { threadId: message.channelId } : {}) };
      const media = mediaOfMessage({ id: message.id, channel_id: message.channelId, attachments: [...message.attachments.values()].map((a) => ({ url: a.url, filename: a.name, ...(a.contentType ? { content_type: a.contentType } : {}), size: a.size })), embeds: message.embeds.map((e) => ({ ...(e.image ? { image: { url: e.image.url } } : {}), ...(e.thumbnail ? { thumbnail: { url: e.thumbnail.url } } : {}) })) });
      const invocation: Invocation = {
        kind: 'reaction',
        // One id per message and emoji: several people reacting start one job.
        id: `reaction:${message.channelId}:${message.id}:${emoji}`,
        platform: 'discord',
        workspaceId: guildId,
        actor: actorOf({ id: user.id, ...(user.username ? { username: user.username } : {}) }, member?.permissions),
        conversation,
        receivedAt: Date.now(),
        emoji,
        message: { ...conversation, messageId: message.id },
        ...(media.length > 0 ? { media } : {}),
        ...(message.author ? { authorId: message.author.id } : {}),
      };
      const channel = message.channel;
      dispatch(invocation, {
        async reply(view) {
          if (channel.isSendable()) await channel.send({ ...renderDiscordMessage(view), content: `<@${user.id}> ${renderDiscordMessage(view).content}`.slice(0, 2000), allowedMentions: { users: [user.id] } });
        },
      });
    } catch (err) {
      log.warn({ err }, 'reaction handling failed');
    }
  });

  client.on('error', (err) => log.error({ err }, 'discord client error'));

  return {
    client,
    async start() {
      await client.login(options.token);
    },
    async stop() {
      await client.destroy();
    },
  };
}
