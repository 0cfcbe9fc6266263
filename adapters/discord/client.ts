/**
 * The Discord adapter on discord.js: a gateway client with exactly the intents the features need
 * (Guilds + GuildMessageReactions; MessageContent only when the operator enabled it) and the
 * partials that let reactions on uncached messages arrive. Interactions are acknowledged first
 * (within Discord's 3 s), then turned into Invocations (parse.ts) and handed to the dispatcher.
 * Status messages are ordinary bot messages posted by the core through the REST-only platform,
 * never through the 15-minute interaction token. Reconnects and resumes are discord.js's job.
 * Direct messages with the bot are their own workspace (DM_WORKSPACE): slash commands there
 * (context BotDM) and plain messages, read like a mention (the DirectMessages intent, not
 * privileged: Discord shows message content in DMs). Answers to a reaction cannot be private
 * outside an interaction, so they ping the reactor and are deleted after a minute.
 */
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type MessageContextMenuCommandInteraction,
  type MessageReaction,
  type ModalSubmitInteraction,
  type PartialMessage,
  type PartialMessageReaction,
  type PartialUser,
  type User,
} from 'discord.js';
import { ComponentType, InteractionContextType, TextInputStyle } from 'discord-api-types/v10';
import type { CommandSpec } from '../../src/command.js';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import type { Invocation } from '../../src/invocation.js';
import type { Logger } from '../../src/logger.js';
import type { FormSpec, KeyValueStore, Responder } from '../../src/ports.js';
import { textView, type MessageView } from '../../src/view.js';
import { DM_WORKSPACE, parseAutocomplete, parseButton, parseChatInput, parseDirectMessage, parseMessageContextMenu, parseModalSubmit, parseReaction, type InteractionContext } from './parse.js';
import { registerDiscordCommands } from './register.js';
import { renderDiscordMessage } from './render.js';
import { rememberUploadLimit } from './upload-limits.js';

/** Discord wants the first answer within 3 s; we act earlier to leave room for the network. */
export const ACK_DEADLINE_MS = 2_500;
export const AUTOCOMPLETE_LIMITS = { choices: 25, name: 100, value: 100 } as const;
/** How long start() waits for the gateway's READY after login. */
const READY_WAIT_MS = 30_000;
const MODAL_LIMITS = { title: 45, label: 45, fields: 5 } as const;
/** How long a private-meant answer to a reaction stays in the channel (Discord has no ephemeral messages there). */
export const TRANSIENT_REPLY_MS = 60_000;

export interface DiscordAdapterOptions {
  token: string;
  /** REST base without the version (DISCORD_API_URL); the gateway URL comes from GET /gateway/bot. */
  apiUrl: string;
  dispatcher: Dispatcher;
  logger: Logger;
  /** The privileged MessageContent intent: only when the operator enabled it in the portal. */
  messageContentIntent: boolean;
  /**
   * With both, start() checks the registered commands and PUTs them when they differ from the
   * specs (per guild with guildId). Without, registration is someone else's job (register:discord).
   */
  applicationId?: string;
  specs?: readonly CommandSpec[];
  guildId?: string;
  /**
   * Commands that may answer with a private form. A modal must be the FIRST answer to an
   * interaction, so these are not deferred up front (deferred after ACK_DEADLINE_MS if the
   * dispatcher has not answered by then).
   */
  formCommands?: readonly string[];
  /** For tests: the ack deadline. */
  ackDeadlineMs?: number;
  /** Where the upload limits interactions state are kept for the REST platform (upload-limits.ts). */
  uploadLimits?: KeyValueStore;
  /** For tests: how long a private-meant answer to a reaction stays (TRANSIENT_REPLY_MS). */
  transientReplyMs?: number;
}

export interface DiscordAdapter {
  client: Client;
  /** Logs in and resolves once the gateway session is ready. */
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  isReady(): boolean;
}

/** Guilds, reactions there, and DMs to the bot (not privileged); MessageContent only when the operator enabled it. */
export function discordIntents(messageContent: boolean): GatewayIntentBits[] {
  return [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessages, ...(messageContent ? [GatewayIntentBits.MessageContent] : [])];
}

export const DISCORD_PARTIALS = [Partials.Message, Partials.Channel, Partials.Reaction];

/** A modal from a neutral FormSpec: one short text input per field (Discord allows five). */
export function toModal(form: FormSpec) {
  return {
    custom_id: form.id,
    title: form.title.slice(0, MODAL_LIMITS.title),
    components: form.fields.slice(0, MODAL_LIMITS.fields).map((f) => ({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: f.id,
          label: f.label.slice(0, MODAL_LIMITS.label),
          style: f.multiline ? TextInputStyle.Paragraph : TextInputStyle.Short,
          required: true,
          ...(f.placeholder ? { placeholder: f.placeholder.slice(0, 100) } : {}),
          // Pre-filled (Remix: the prompt and flags to edit).
          ...(f.value ? { value: f.value.slice(0, 4000) } : {}),
          ...(f.maxLength ? { max_length: Math.min(4000, f.maxLength) } : {}),
        },
      ],
    })),
  };
}

type Repliable = ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const log = options.logger.child({ adapter: 'discord' });
  const ackDeadline = options.ackDeadlineMs ?? ACK_DEADLINE_MS;
  const formCommands = new Set(options.formCommands ?? ['connect']);
  const transientMs = options.transientReplyMs ?? TRANSIENT_REPLY_MS;
  const pendingDeletes = new Set<NodeJS.Timeout>();
  const client = new Client({
    intents: discordIntents(options.messageContentIntent),
    partials: DISCORD_PARTIALS,
    rest: { api: options.apiUrl },
  });

  function dispatch(invocation: Invocation, responder: Responder): Promise<void> {
    // The dispatcher never throws by contract; this guards the gateway loop if it does anyway.
    return options.dispatcher.dispatch(invocation, responder).catch((err: unknown) => log.error({ err, kind: invocation.kind }, 'dispatch failed'));
  }

  /** Replies to an interaction: the first answer edits the deferred one, later ones follow up. */
  function interactionResponder(interaction: Repliable): Responder & { acknowledge(): Promise<void> } {
    // 'pending' covers the gap while a first answer is on its way, so the deadline timer cannot race it.
    let ack: 'none' | 'pending' | 'done' = interaction.deferred || interaction.replied ? 'done' : 'none';
    const ephemeralFlag = { flags: MessageFlags.Ephemeral } as const;

    async function first<T>(fn: () => Promise<T>): Promise<T> {
      ack = 'pending';
      try {
        return await fn();
      } finally {
        ack = 'done';
      }
    }

    const responder = {
      async acknowledge() {
        if (ack === 'none') await first(() => interaction.deferReply(ephemeralFlag));
      },
      async reply(view: MessageView, opts?: { ephemeral?: boolean }) {
        const payload = renderDiscordMessage(view);
        const ephemeral = opts?.ephemeral !== false;
        if (ack === 'none') {
          await first(() => interaction.reply({ ...payload, ...(ephemeral ? ephemeralFlag : {}) }));
        } else if (interaction.deferred && !interaction.replied) {
          if (ephemeral) {
            await interaction.editReply(payload);
          } else {
            // The deferral was private; a public answer is a new message, and the private "thinking" goes.
            await interaction.followUp(payload);
            await interaction.deleteReply().catch(() => undefined);
          }
        } else {
          await interaction.followUp({ ...payload, ...(ephemeral ? ephemeralFlag : {}) });
        }
      },
      async settle(view: MessageView) {
        // Closing the deferred reply is a courtesy: the work already started, so a failure is only logged.
        if (interaction.deferred && !interaction.replied) {
          await interaction.editReply(renderDiscordMessage(view)).catch((err: unknown) => log.warn({ err }, 'could not close the deferred reply'));
        }
      },
      async openForm(form: FormSpec) {
        if (ack === 'none' && (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand() || interaction.isButton())) {
          await first(() => interaction.showModal(toModal(form) as never));
          return;
        }
        // Too late for a modal (already acknowledged): say so rather than fail silently.
        await responder.reply(textView('The private form could not open in time. Please run the command again.'));
      },
    };
    return responder;
  }

  function contextOf(interaction: Interaction & { channelId: string }, workspaceId: string): InteractionContext {
    const channel = interaction.channel;
    return {
      interactionId: interaction.id,
      guildId: workspaceId,
      channelId: interaction.channelId,
      threadParentId: channel?.isThread() ? channel.parentId : null,
      user: interaction.user,
      permissions: interaction.memberPermissions,
      receivedAt: Date.now(),
    };
  }

  async function onInteraction(interaction: Interaction): Promise<void> {
    const channelId = interaction.channelId;
    // A guild, or the bot's own DM (context BotDM); other contexts are not registered for this app.
    const dm = !interaction.guildId && (interaction.context === InteractionContextType.BotDM || !!interaction.channel?.isDMBased());
    const workspaceId = interaction.guildId ?? (dm ? DM_WORKSPACE : undefined);
    if (!workspaceId || !channelId) return;
    const ctx = contextOf(interaction as Interaction & { channelId: string }, workspaceId);
    // The limit Discord applies to uploads here, for the worker that will deliver (never delays the ack).
    void rememberUploadLimit(options.uploadLimits, workspaceId, interaction.attachmentSizeLimit).catch((err: unknown) => log.debug({ err }, 'could not remember the upload limit'));

    if (interaction.isAutocomplete()) {
      // Cannot be deferred: answer what we have, or an empty list before the deadline.
      let answered = false;
      const answer = async (choices: Array<{ name: string; value: string }>) => {
        if (answered || interaction.responded) return;
        answered = true;
        await interaction.respond(choices.slice(0, AUTOCOMPLETE_LIMITS.choices).map((c) => ({ name: c.name.slice(0, AUTOCOMPLETE_LIMITS.name), value: c.value.slice(0, AUTOCOMPLETE_LIMITS.value) })));
      };
      const timer = setTimeout(() => void answer([]).catch((err: unknown) => log.warn({ err }, 'autocomplete fallback failed')), ackDeadline);
      const focused = interaction.options.getFocused(true);
      const responder: Responder = {
        reply: async () => answer([]),
        choices: answer,
      };
      await dispatch(parseAutocomplete(ctx, interaction.commandName, focused, interaction.options.data), responder).finally(() => clearTimeout(timer));
      return;
    }

    if (interaction.isChatInputCommand()) {
      const responder = interactionResponder(interaction);
      const invocation = parseChatInput(ctx, interaction.commandName, interaction.options.data);
      if (!formCommands.has(interaction.commandName)) {
        // Ephemeral: the visible status is an ordinary bot message the core posts itself.
        await responder.acknowledge();
        await dispatch(invocation, responder);
        return;
      }
      const timer = setTimeout(() => void responder.acknowledge().catch((err: unknown) => log.warn({ err }, 'late deferral failed')), ackDeadline);
      await dispatch(invocation, responder).finally(() => clearTimeout(timer));
      return;
    }

    if (interaction.isMessageContextMenuCommand()) {
      const invocation = parseMessageContextMenu(ctx, interaction.commandName, interaction.targetMessage);
      if (!invocation) return;
      const responder = interactionResponder(interaction);
      await responder.acknowledge();
      await dispatch(invocation, responder);
      return;
    }

    if (interaction.isButton()) {
      const invocation = parseButton(ctx, interaction.customId, interaction.message.id);
      // Not ours (another bot's button, an old codec): leave it for whoever made it.
      if (!invocation) return;
      const responder = interactionResponder(interaction);
      if (invocation.action.action !== 'remix') {
        await responder.acknowledge();
        await dispatch(invocation, responder);
        return;
      }
      // Remix answers with a form, which must be the interaction's first answer: no deferral up front.
      const timer = setTimeout(() => void responder.acknowledge().catch((err: unknown) => log.warn({ err }, 'late deferral failed')), ackDeadline);
      await dispatch(invocation, responder).finally(() => clearTimeout(timer));
      return;
    }

    if (interaction.isModalSubmit()) {
      const responder = interactionResponder(interaction);
      await responder.acknowledge();
      const fields = [...interaction.fields.fields.values()].map((f) => ({ customId: f.customId, value: 'value' in f ? f.value : undefined }));
      await dispatch(parseModalSubmit(ctx, interaction.customId, fields), responder);
    }
  }

  async function onReaction(reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): Promise<void> {
    if (user.bot || user.id === client.user?.id) return;
    let message: Message | PartialMessage = reaction.message;
    const guildId = message.guildId;
    if (!guildId) return;
    if (message.partial) {
      // Uncached (older than the cache, or from before a restart): read it for its images. When
      // that fails (no access, deleted), the core looks the message up itself.
      message = await message.fetch().catch((err: unknown) => {
        log.debug({ err, messageId: message.id }, 'could not fetch the reacted message');
        return message;
      });
    }
    const channel = message.channel;
    const member = await message.guild?.members.fetch(user.id).catch(() => undefined);
    const permissions = member && 'permissionsFor' in channel && typeof channel.permissionsFor === 'function' ? channel.permissionsFor(member) : member?.permissions;
    const invocation = parseReaction({
      guildId,
      channelId: message.channelId,
      threadParentId: channel.isThread() ? channel.parentId : null,
      messageId: message.id,
      emoji: reaction.emoji,
      user,
      permissions,
      ...(message.partial ? {} : { message }),
      receivedAt: Date.now(),
    });
    // No interaction, so nothing private: a reply is a normal message that pings only the reactor,
    // and one meant to be private (every error is) leaves the channel after a minute.
    const responder: Responder = {
      async reply(view, opts) {
        if (!channel.isSendable()) return;
        const payload = renderDiscordMessage(view);
        const sent = await channel.send({ ...payload, content: `<@${user.id}> ${payload.content}`.slice(0, 2000), allowedMentions: { parse: [], users: [user.id] } });
        if (opts?.ephemeral !== false) removeLater(sent);
      },
    };
    await dispatch(invocation, responder);
  }

  /** Deletes a message after transientMs; a restart before then leaves it (best effort, like any cleanup). */
  function removeLater(message: Message): void {
    const timer = setTimeout(() => {
      pendingDeletes.delete(timer);
      message.delete().catch((err: unknown) => log.debug({ err, messageId: message.id }, 'could not remove a transient reply'));
    }, transientMs);
    timer.unref();
    pendingDeletes.add(timer);
  }

  /** A user's message in their DM with the bot: a prompt, `help` or `animate`, answered in the DM. */
  async function onMessage(message: Message): Promise<void> {
    if (message.guildId || message.author.bot || !message.channel.isDMBased()) return;
    const invocation = parseDirectMessage(message, Date.now());
    if (!invocation) return;
    const channel = message.channel;
    const responder: Responder = {
      async reply(view) {
        if (channel.isSendable()) await channel.send(renderDiscordMessage(view));
      },
    };
    await dispatch(invocation, responder);
  }

  client.on(Events.InteractionCreate, (interaction) => {
    onInteraction(interaction).catch((err: unknown) => log.error({ err, interactionId: interaction.id }, 'interaction handling failed'));
  });
  client.on(Events.MessageReactionAdd, (reaction, user) => {
    onReaction(reaction, user).catch((err: unknown) => log.warn({ err }, 'reaction handling failed'));
  });
  client.on(Events.MessageCreate, (message) => {
    onMessage(message).catch((err: unknown) => log.warn({ err }, 'direct message handling failed'));
  });
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.ShardReconnecting, (shardId) => log.info({ shardId }, 'Discord gateway reconnecting'));
  client.on(Events.ShardResume, (shardId) => log.info({ shardId }, 'Discord gateway resumed'));

  return {
    client,
    async start(signal) {
      if (options.applicationId && options.specs) {
        const result = await registerDiscordCommands({
          token: options.token,
          applicationId: options.applicationId,
          apiUrl: options.apiUrl,
          specs: options.specs,
          ...(options.guildId ? { guildId: options.guildId } : {}),
          ...(signal ? { signal } : {}),
        }).catch((err: unknown) => {
          // Not fatal: the bot still answers the commands registered before.
          log.warn({ err }, 'could not check or register Discord commands; run `npm run register:discord`');
          return 'failed' as const;
        });
        log.info({ result }, 'Discord commands');
      }
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(options.token);
      if (!client.isReady()) {
        // discord.js waits for every guild's GUILD_CREATE (≤ 15 s); past that, go on and let readiness checks tell.
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            log.warn('the Discord gateway is not ready yet; continuing');
            resolve();
          }, READY_WAIT_MS);
        });
        const aborted = new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
        await Promise.race([ready, late, aborted]).finally(() => clearTimeout(timer));
      }
    },
    async stop() {
      for (const timer of pendingDeletes) clearTimeout(timer);
      pendingDeletes.clear();
      await client.destroy();
    },
    isReady: () => client.isReady(),
  };
}
