/**
 * The Slack adapter on Bolt: HTTP mode (every request verified with the signing secret; commands,
 * interactivity and events all at POST /slack/events; OAuth at /slack/install and
 * /slack/oauth_redirect) or Socket Mode. Every listener acks first, then hands a neutral
 * Invocation to the dispatcher without waiting: the 3-second ack never depends on our work.
 */
import { App, ExpressReceiver, SocketModeReceiver, type InstallationStore } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Application } from 'express';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import type { Invocation } from '../../src/invocation.js';
import type { Logger } from '../../src/logger.js';
import type { MediaRef } from '../../src/model.js';
import type { FormSpec, Responder } from '../../src/ports.js';
import { textView, type MessageView } from '../../src/view.js';
import { createSlackAdminCheck } from './admin-check.js';
import { FORM_CALLBACK_ID, parseViewSubmission, toSlackModal, type FormOrigin } from './forms.js';
import {
  fromAppMention,
  fromBlockAction,
  fromMessageShortcut,
  fromReaction,
  fromSlashCommand,
  filesToMedia,
  linkedImages,
  SHORTCUTS,
  type BlockActionBody,
  type MentionEvent,
  type MessageShortcutBody,
  type ReactionEvent,
  type SlackFile,
  type SlashCommandBody,
} from './parse.js';
import { slackLogger } from './logger.js';
import { renderSlackMessage } from './render.js';


/**
 * The scopes the code uses, and no more (manifest.yml lists the same). users:read: users.info for
 * the admin check; channels:read / groups:read: conversations.info and conversations.members, to
 * tell whether a user may read the channel a pasted message link points to.
 */
export const SLACK_SCOPES = ['app_mentions:read', 'channels:history', 'channels:read', 'chat:write', 'commands', 'files:read', 'files:write', 'groups:history', 'groups:read', 'reactions:read', 'users:read'];

export interface SlackAdapterOptions {
  mode: 'http' | 'socket';
  apiUrl: string;
  dispatcher: Dispatcher;
  logger: Logger;
  signingSecret?: string;
  appToken?: string;
  /** One workspace. */
  botToken?: string;
  /** Many workspaces (HTTP mode): Bolt OAuth with installations in Redis. */
  oauth?: { clientId: string; clientSecret: string; stateSecret: string; installationStore: InstallationStore };
  /** HTTP mode: the express app to mount /slack/* on (the bot's one HTTP server). */
  expressApp?: Application;
  /** The workspace uninstalled the app or revoked its tokens: delete everything of it. */
  onUninstall(teamId: string): Promise<void>;
}

export interface SlackAdapter {
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { dispatcher, apiUrl } = options;
  const log = options.logger.child({ adapter: 'slack' });
  const logger = slackLogger(options.logger);
  const clientOptions = { slackApiUrl: apiUrl };
  const installerOptions = { directInstall: true, clientOptions };

  let receiver: InstanceType<typeof ExpressReceiver> | InstanceType<typeof SocketModeReceiver>;
  if (options.mode === 'socket') {
    const socket = new SocketModeReceiver({ appToken: options.appToken!, logger });
    // Bolt does not pass an API base to its Socket Mode client; a private Slack host (or a loopback
    // fake) must be set on the client that calls apps.connections.open.
    (socket.client as unknown as { webClient: WebClient }).webClient = new WebClient('', { slackApiUrl: apiUrl, logger, headers: { Authorization: `Bearer ${options.appToken}` }, retryConfig: { retries: 10, factor: 1.3 } });
    receiver = socket;
  } else {
    receiver = new ExpressReceiver({
      signingSecret: options.signingSecret!,
      endpoints: '/slack/events',
      logger,
      ...(options.expressApp ? { app: options.expressApp } : {}),
      ...(options.oauth ? { ...options.oauth, scopes: SLACK_SCOPES, installerOptions } : {}),
    });
  }
  const app = new App({
    receiver,
    logger,
    clientOptions: { ...clientOptions, retryConfig: { retries: 2 } },
    ...(options.botToken ? { token: options.botToken } : {}),
  });

  // Every entry point asks the same cached check, always after its ack.
  const admins = createSlackAdminCheck({ logger: log });

  function ephemeralVia(respond: ((msg: Record<string, unknown>) => Promise<unknown>) | undefined, client: WebClient, channel: string, user: string, threadTs?: string): Responder {
    return {
      async reply(view: MessageView, opts) {
        const message = renderSlackMessage(view);
        if (respond) {
          await respond({ ...message, response_type: opts?.ephemeral === false ? 'in_channel' : 'ephemeral', replace_original: false });
        } else if (opts?.ephemeral === false) {
          await client.chat.postMessage({ channel, ...message, ...(threadTs ? { thread_ts: threadTs } : {}) });
        } else {
          await client.chat.postEphemeral({ channel, user, ...message, ...(threadTs ? { thread_ts: threadTs } : {}) });
        }
      },
      async settle() {
        // Slack needs nothing more: the ack closed the request and the status message speaks.
      },
    };
  }

  /** A slash command's trigger_id opens a modal (valid for 3 s after the user's action). */
  function withForm(responder: Responder, client: WebClient, triggerId: string, origin: FormOrigin): Responder {
    return {
      ...responder,
      async openForm(form: FormSpec) {
        try {
          await client.views.open({ trigger_id: triggerId, view: toSlackModal(form, origin) as never });
        } catch (err) {
          log.warn({ err, form: form.id }, 'views.open failed');
          await responder.reply(textView('The private form could not open in time. Please run the command again.'), { ephemeral: true });
        }
      },
    };
  }

  /**
   * After a form there is no response_url: answer privately in the channel the form came from,
   * or by DM when the bot cannot post there (not a member, a DM with someone else).
   */
  function privateVia(client: WebClient, origin: FormOrigin, user: string): Responder {
    return {
      async reply(view: MessageView) {
        const message = renderSlackMessage(view);
        try {
          await client.chat.postEphemeral({ channel: origin.channel, user, ...message, ...(origin.thread ? { thread_ts: origin.thread } : {}) });
        } catch (err) {
          log.info({ err }, 'could not answer a form in its channel; sending a DM');
          await client.chat.postMessage({ channel: user, ...message });
        }
      },
      async settle() {},
    };
  }

  const dispatch = (invocation: Invocation | undefined, responder: Responder) => {
    if (!invocation) return;
    void dispatcher.dispatch(invocation, responder).catch((err: unknown) => log.error({ err }, 'dispatch failed'));
  };

  app.command(/^\/(generate|animate|genbot)$/, async ({ ack, body, respond, client }) => {
    await ack();
    const b = body as unknown as SlashCommandBody;
    const invocation = fromSlashCommand(b, await admins.isAdmin(client, b.team_id, b.user_id));
    dispatch(invocation, withForm(ephemeralVia(respond as never, client, b.channel_id, b.user_id), client, b.trigger_id, { channel: b.channel_id }));
  });

  app.action(/^gb1\|/, async ({ ack, body, respond, client }) => {
    await ack();
    const b = body as unknown as BlockActionBody;
    const teamId = b.team?.id ?? b.user.team_id ?? '';
    const invocation = fromBlockAction(b, await admins.isAdmin(client, teamId, b.user.id));
    dispatch(invocation, ephemeralVia(respond as never, client, invocation?.conversation.channelId ?? '', b.user.id, invocation?.conversation.threadId));
  });

  app.view({ type: 'view_submission', callback_id: FORM_CALLBACK_ID }, async ({ ack, body, client }) => {
    const parsed = parseViewSubmission(body, Date.now());
    if (!parsed.ok) {
      // Empty fields keep the modal open with the reason; anything else just closes it.
      await ack(parsed.reason === 'invalid' ? { response_action: 'errors', errors: parsed.errors } : undefined);
      return;
    }
    // Closed at once: checking a key with its provider can take longer than Slack's 3 s.
    await ack();
    const { invocation, origin } = parsed;
    const isAdmin = await admins.isAdmin(client, invocation.workspaceId, invocation.actor.userId);
    dispatch({ ...invocation, actor: { ...invocation.actor, isAdmin } }, privateVia(client, origin, invocation.actor.userId));
  });

  for (const callbackId of Object.keys(SHORTCUTS)) {
    app.shortcut(callbackId, async ({ ack, body, client }) => {
      await ack();
      const b = body as unknown as MessageShortcutBody;
      const teamId = b.team?.id ?? b.user.team_id ?? '';
      const invocation = fromMessageShortcut(b, await admins.isAdmin(client, teamId, b.user.id));
      const respond = (body as { response_url?: string }).response_url
        ? async (msg: Record<string, unknown>) => fetch((body as { response_url: string }).response_url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(msg) })
        : undefined;
      dispatch(invocation, ephemeralVia(respond, client, b.channel.id, b.user.id, invocation?.conversation.threadId));
    });
  }

  app.event('app_mention', async ({ event, body, client }) => {
    const e = event as unknown as MentionEvent;
    const teamId = (body as { team_id: string }).team_id;
    let threadMedia: MediaRef[] = [];
    if (e.thread_ts && /\banimate\b|--thread-images/i.test(e.text)) {
      const replies = (await client.conversations.replies({ channel: e.channel, ts: e.thread_ts, limit: 50 }).catch(() => ({ messages: [] }))) as { messages?: Array<{ files?: SlackFile[]; text?: string }> };
      threadMedia = (replies.messages ?? []).flatMap((m) => [...filesToMedia(m.files), ...linkedImages(m.text)]);
    }
    const isAdmin = await admins.isAdmin(client, teamId, e.user);
    dispatch(fromAppMention(e, (body as { event_id: string }).event_id, teamId, isAdmin, threadMedia), ephemeralVia(undefined, client, e.channel, e.user, e.thread_ts ?? e.ts));
  });

  app.event('reaction_added', async ({ event, body, client }) => {
    const e = event as unknown as ReactionEvent;
    const teamId = (body as { team_id: string }).team_id;
    // Events are acked by Bolt before any listener runs, so this lookup never delays the ack.
    dispatch(fromReaction(e, (body as { event_id: string }).event_id, teamId, await admins.isAdmin(client, teamId, e.user)), ephemeralVia(undefined, client, e.item.channel, e.user));
  });

  for (const name of ['app_uninstalled', 'tokens_revoked'] as const) {
    app.event(name, async ({ body }) => {
      const teamId = (body as { team_id: string }).team_id;
      log.info({ team: teamId, event: name }, 'removing everything of this workspace');
      await options.onUninstall(teamId).catch((err: unknown) => log.error({ err }, 'uninstall cleanup failed'));
    });
  }

  app.error(async (err) => {
    log.error({ err }, 'slack listener error');
  });

  return {
    app,
    async start() {
      // HTTP mode is served by the bot's own server (the receiver is mounted on it); Socket Mode connects out.
      if (options.mode === 'socket') await (receiver as InstanceType<typeof SocketModeReceiver>).start();
    },
    async stop() {
      if (options.mode === 'socket') await (receiver as InstanceType<typeof SocketModeReceiver>).stop();
    },
  };
}
