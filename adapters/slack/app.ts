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
import type { Responder } from '../../src/ports.js';
import type { MessageView } from '../../src/view.js';
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


/** The scopes the code uses, and no more (manifest.yml lists the same). */
export const SLACK_SCOPES = ['app_mentions:read', 'channels:history', 'chat:write', 'commands', 'files:read', 'files:write', 'groups:history', 'reactions:read', 'users:read'];

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

  // users.info is one call per person, cached: admins may cancel anyone's job.
  const admins = new Map<string, { isAdmin: boolean; at: number }>();
  async function isAdmin(client: WebClient, teamId: string, userId: string): Promise<boolean> {
    const key = `${teamId}:${userId}`;
    const hit = admins.get(key);
    if (hit && Date.now() - hit.at < 5 * 60_000) return hit.isAdmin;
    try {
      const res = (await client.users.info({ user: userId })) as { user?: { is_admin?: boolean; is_owner?: boolean } };
      const value = !!(res.user?.is_admin || res.user?.is_owner);
      admins.set(key, { isAdmin: value, at: Date.now() });
      return value;
    } catch (err) {
      log.warn({ err }, 'users.info failed; treating the user as not an admin');
      return false;
    }
  }

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

  const dispatch = (invocation: Invocation | undefined, responder: Responder) => {
    if (!invocation) return;
    void dispatcher.dispatch(invocation, responder).catch((err: unknown) => log.error({ err }, 'dispatch failed'));
  };

  app.command(/^\/(generate|animate|genbot)$/, async ({ ack, body, respond, client }) => {
    await ack();
    dispatch(fromSlashCommand(body as unknown as SlashCommandBody), ephemeralVia(respond as never, client, body.channel_id, body.user_id));
  });

  app.action(/^gb1\|/, async ({ ack, body, respond, client }) => {
    await ack();
    const b = body as unknown as BlockActionBody;
    const teamId = b.team?.id ?? b.user.team_id ?? '';
    const invocation = fromBlockAction(b, await isAdmin(client, teamId, b.user.id));
    dispatch(invocation, ephemeralVia(respond as never, client, invocation?.conversation.channelId ?? '', b.user.id, invocation?.conversation.threadId));
  });

  for (const callbackId of Object.keys(SHORTCUTS)) {
    app.shortcut(callbackId, async ({ ack, body, client }) => {
      await ack();
      const invocation = fromMessageShortcut(body as unknown as MessageShortcutBody);
      const b = body as unknown as MessageShortcutBody;
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
    dispatch(fromAppMention(e, (body as { event_id: string }).event_id, teamId, threadMedia), ephemeralVia(undefined, client, e.channel, e.user, e.thread_ts ?? e.ts));
  });

  app.event('reaction_added', async ({ event, body, client }) => {
    const e = event as unknown as ReactionEvent;
    const teamId = (body as { team_id: string }).team_id;
    dispatch(fromReaction(e, (body as { event_id: string }).event_id, teamId, await isAdmin(client, teamId, e.user)), ephemeralVia(undefined, client, e.item.channel, e.user));
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
