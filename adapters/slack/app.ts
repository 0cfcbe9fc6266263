/**
 * The Slack adapter on Bolt: HTTP mode (every request verified with the signing secret; commands,
 * interactivity and events all at POST /slack/events; OAuth at /slack/install and
 * /slack/oauth_redirect) or Socket Mode. Every listener acks first, then hands a neutral
 * Invocation to the dispatcher without waiting: the 3-second ack never depends on our work.
 * Direct messages to the bot read like mentions; the App Home shows the answers of the `jobs`,
 * `settings` and `credits` commands (home.ts).
 */
import { App, ExpressReceiver, SocketModeReceiver, type InstallationStore, type types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Application } from 'express';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import { ProviderId } from '../../src/generation.js';
import type { CommandInvocation, Invocation } from '../../src/invocation.js';
import type { Logger } from '../../src/logger.js';
import type { MediaRef } from '../../src/model.js';
import type { Responder } from '../../src/ports.js';
import { createSlackAdminCheck } from './admin-check.js';
import { FORM_CALLBACK_ID, parseViewSubmission, toSlackModal } from './forms.js';
import { HOME_ACTION, parseHomeAction, settingCommandText, settingForm, toHomeView, type HomeProvider } from './home.js';
import { slackLogger } from './logger.js';
import {
  filesToMedia,
  fromAppMention,
  fromBlockAction,
  fromDirectMessage,
  fromMessageShortcut,
  fromReaction,
  fromSlashCommand,
  homeChannelOf,
  isDirectPrompt,
  linkedImages,
  SHORTCUTS,
  type BlockActionBody,
  type DirectMessageEvent,
  type MentionEvent,
  type MessageShortcutBody,
  type ReactionEvent,
  type SlackFile,
} from './parse.js';
import { renderSlackMessage } from './render.js';
import { collector, directVia, ephemeralVia, privateVia, withForm } from './responders.js';
import { slackFetch } from './transport.js';

/**
 * The scopes the code uses, and no more (manifest.yml lists the same). users:read: users.info for
 * the admin check; channels:read / groups:read: conversations.info and conversations.members, to
 * tell whether a user may read the channel a pasted message link points to; chat:write.public:
 * status messages in public channels the bot was not invited to; im:history: direct messages to
 * the bot (the message.im event) and their threads; mpim:history: thread images and reactions in
 * group DMs the bot is in. No im:write: a user id as the channel posts in the app's DM already.
 */
export const SLACK_SCOPES = [
  'app_mentions:read',
  'channels:history',
  'channels:read',
  'chat:write',
  'chat:write.public',
  'commands',
  'files:read',
  'files:write',
  'groups:history',
  'groups:read',
  'im:history',
  'mpim:history',
  'reactions:read',
  'users:read',
];

const PROVIDER_NAMES: Record<ProviderId, string> = { krea: 'Krea', krev: 'Krev', kpainter: 'KPainter' };

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
  /** Providers the App Home offers to connect (default: every provider the product knows). */
  homeProviders?: readonly HomeProvider[];
  /** Setting names for the App Home's menu (without them, the form asks for the name). */
  settingNames?: readonly string[];
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
  const homeProviders = options.homeProviders ?? ProviderId.options.map((id) => ({ id, name: PROVIDER_NAMES[id] }));

  let receiver: InstanceType<typeof ExpressReceiver> | InstanceType<typeof SocketModeReceiver>;
  if (options.mode === 'socket') {
    // Bolt hands installerOptions.clientOptions to its Socket Mode client, which calls
    // apps.connections.open: a private Slack host (or a loopback fake) is set there.
    receiver = new SocketModeReceiver({
      appToken: options.appToken!,
      logger,
      installerOptions: { clientOptions: { ...clientOptions, retryConfig: { retries: 10, factor: 1.3 } } },
    });
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
    // No conversation state is kept between events; Bolt's default in-memory store would be asked
    // on every event anyway, and answers "not found" with a new Error (a stack trace) each time.
    convoStore: false,
    // The listeners' client moves its bytes over undici too (./transport.ts), as the workers' does.
    clientOptions: { ...clientOptions, fetch: slackFetch(), retryConfig: { retries: 2 } },
    ...(options.botToken ? { token: options.botToken } : {}),
  });

  // Every entry point asks the same cached check, always after its ack.
  const admins = createSlackAdminCheck({ logger: log });

  /** The dispatcher never throws by contract; the catch guards Bolt's listener if it does anyway. */
  const dispatch = (invocation: Invocation | undefined, responder: Responder): Promise<void> =>
    invocation ? dispatcher.dispatch(invocation, responder).catch((err: unknown) => log.error({ err }, 'dispatch failed')) : Promise.resolve();

  /** Work after the ack that the listener does not wait for; its failures are logged. */
  const background = (work: Promise<unknown>): void => {
    work.catch((err: unknown) => log.error({ err }, 'slack background work failed'));
  };

  /** The images of a thread, for `@genbot animate` and `--thread-images` there. */
  async function threadMediaOf(client: WebClient, channel: string, threadTs: string | undefined, text: string): Promise<MediaRef[]> {
    if (!threadTs || !/\banimate\b|--thread-images/i.test(text)) return [];
    const replies = (await client.conversations.replies({ channel, ts: threadTs, limit: 50 }).catch(() => ({ messages: [] }))) as { messages?: Array<{ files?: SlackFile[]; text?: string }> };
    return (replies.messages ?? []).flatMap((m) => [...filesToMedia(m.files), ...linkedImages(m.text)]);
  }

  /** A command run for the App Home: its answer is shown there instead of sent. */
  function homeCommand(teamId: string, userId: string, isAdmin: boolean, channel: string, key: string, command: string, text = ''): CommandInvocation {
    return {
      kind: 'command',
      id: `home:${key}:${command}`,
      platform: 'slack',
      workspaceId: teamId,
      actor: { userId, isAdmin },
      conversation: { platform: 'slack', workspaceId: teamId, channelId: channel },
      receivedAt: Date.now(),
      command,
      text,
      attachments: [],
    };
  }

  /** Builds the Home from the commands' own answers and publishes it; `key` is unique per opening. */
  async function publishHome(client: WebClient, teamId: string, userId: string, channel: string, isAdmin: boolean, key: string): Promise<void> {
    const run = async (command: string): Promise<types.KnownBlock[]> => {
      const sink = collector();
      await dispatch(homeCommand(teamId, userId, isAdmin, channel, key, command), sink);
      // render.ts builds Block Kit as plain records; these are its blocks, typed as Bolt names them.
      return sink.views.flatMap((v) => renderSlackMessage(v).blocks as unknown as types.KnownBlock[]);
    };
    const jobs = await run('jobs');
    // Nothing came back: a redelivered event (the dispatcher dedupes it), already published.
    if (jobs.length === 0) return;
    const admin = isAdmin ? { settings: await run('settings'), credits: await run('credits'), providers: homeProviders, ...(options.settingNames ? { settingNames: options.settingNames } : {}) } : undefined;
    try {
      await client.views.publish({ user_id: userId, view: toHomeView({ jobs, ...(admin ? { admin } : {}) }, channel) });
    } catch (err) {
      log.warn({ err, team: teamId }, 'views.publish failed');
    }
  }

  app.command(/^\/(generate|animate|genbot)$/, async ({ ack, body, respond, client }) => {
    await ack();
    const invocation = fromSlashCommand(body, await admins.isAdmin(client, body.team_id, body.user_id));
    background(dispatch(invocation, withForm(ephemeralVia(respond, client, { channel: body.channel_id, user: body.user_id }), client, body.trigger_id, { channel: body.channel_id }, log)));
  });

  app.action(/^gb1\|/, async ({ ack, body, respond, client }) => {
    await ack();
    const b = body as unknown as BlockActionBody;
    const teamId = b.team?.id ?? b.user.team_id ?? '';
    const isAdmin = await admins.isAdmin(client, teamId, b.user.id);
    const invocation = fromBlockAction(b, isAdmin);
    if (!invocation) return;
    if (b.view?.type === 'home') {
      // From the App Home: answers go to the app's DM, and the Home is shown again after.
      const channel = invocation.conversation.channelId;
      background(dispatch(invocation, directVia(client, { channel, user: b.user.id })).then(() => publishHome(client, teamId, b.user.id, channel, isAdmin, `act:${b.trigger_id}`)));
      return;
    }
    // A button may open a form (Remix): the click's trigger_id is what views.open needs.
    const where = { channel: invocation.conversation.channelId, ...(invocation.conversation.threadId ? { thread: invocation.conversation.threadId } : {}) };
    background(dispatch(invocation, withForm(ephemeralVia(respond, client, { ...where, user: b.user.id }), client, b.trigger_id, where, log)));
  });

  app.action(HOME_ACTION, async ({ ack, body, client }) => {
    await ack();
    const b = body as unknown as BlockActionBody;
    const action = b.actions[0] ? parseHomeAction(b.actions[0]) : undefined;
    const channel = homeChannelOf(b.view);
    const teamId = b.team?.id ?? b.user.team_id ?? '';
    if (!action || !channel || !teamId) return;
    const isAdmin = await admins.isAdmin(client, teamId, b.user.id);
    const origin = { channel, home: true };
    if (action.kind === 'refresh') return void (await publishHome(client, teamId, b.user.id, channel, isAdmin, `act:${b.trigger_id}`));
    if (action.kind === 'setting') {
      // The answer runs `settings <name> <value>`, which checks the value and who may change it.
      await client.views.open({ trigger_id: b.trigger_id, view: toSlackModal(settingForm(action.name), origin) }).catch((err: unknown) => log.warn({ err }, 'views.open failed'));
      return;
    }
    // The same `connect` command as /genbot connect: it opens its private form itself.
    const responder = withForm(directVia(client, { channel, user: b.user.id }), client, b.trigger_id, origin, log);
    background(dispatch(homeCommand(teamId, b.user.id, isAdmin, channel, `act:${b.trigger_id}`, 'connect', action.provider), responder));
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
    const user = invocation.actor.userId;
    const isAdmin = await admins.isAdmin(client, invocation.workspaceId, user);
    const actor = { ...invocation.actor, isAdmin };
    const responder = origin.home ? directVia(client, { channel: origin.channel, user }) : privateVia(client, origin, user, log);
    // A setting changed from the Home is the `settings` command with that text.
    const setting = settingCommandText(invocation.form, invocation.values);
    const done =
      setting !== undefined
        ? dispatch({ kind: 'command', id: invocation.id, platform: 'slack', workspaceId: invocation.workspaceId, actor, conversation: invocation.conversation, receivedAt: invocation.receivedAt, command: 'settings', text: setting, attachments: [] }, responder)
        : dispatch({ ...invocation, actor }, responder);
    if (origin.home) background(done.then(() => publishHome(client, invocation.workspaceId, user, origin.channel, isAdmin, invocation.id)));
  });

  for (const callbackId of Object.keys(SHORTCUTS)) {
    app.shortcut({ type: 'message_action', callback_id: callbackId }, async ({ ack, body, respond, client }) => {
      await ack();
      const b = body as unknown as MessageShortcutBody;
      const teamId = b.team?.id ?? b.user.team_id ?? '';
      const invocation = fromMessageShortcut(b, await admins.isAdmin(client, teamId, b.user.id));
      // Bolt's respond posts to the shortcut's response_url: private, and works where the bot is not a member.
      background(dispatch(invocation, ephemeralVia(respond, client, { channel: b.channel.id, user: b.user.id, ...(invocation?.conversation.threadId ? { thread: invocation.conversation.threadId } : {}) })));
    });
  }

  app.event('app_mention', async ({ event, body, client }) => {
    const e = event as unknown as MentionEvent;
    const teamId = (body as { team_id: string }).team_id;
    const threadMedia = await threadMediaOf(client, e.channel, e.thread_ts, e.text);
    const isAdmin = await admins.isAdmin(client, teamId, e.user);
    background(dispatch(fromAppMention(e, (body as { event_id: string }).event_id, teamId, isAdmin, threadMedia), ephemeralVia(undefined, client, { channel: e.channel, user: e.user, thread: e.thread_ts ?? e.ts })));
  });

  // Direct messages: Slack sends no app_mention there (its Events API docs), only message.im.
  app.event('message', async ({ event, body, client, context }) => {
    const e = event as unknown as DirectMessageEvent;
    if (!isDirectPrompt(e, context.botUserId)) return;
    const teamId = (body as { team_id: string }).team_id;
    const threadMedia = await threadMediaOf(client, e.channel, e.thread_ts, e.text ?? '');
    const isAdmin = await admins.isAdmin(client, teamId, e.user);
    background(dispatch(fromDirectMessage(e, (body as { event_id: string }).event_id, teamId, isAdmin, threadMedia), directVia(client, { channel: e.channel, user: e.user, thread: e.thread_ts ?? e.ts })));
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    // The Messages tab opens this event too; only the Home tab shows a view.
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id: string }).team_id;
    const isAdmin = await admins.isAdmin(client, teamId, event.user);
    await publishHome(client, teamId, event.user, event.channel, isAdmin, (body as { event_id: string }).event_id);
  });

  app.event('reaction_added', async ({ event, body, client }) => {
    const e = event as unknown as ReactionEvent;
    const teamId = (body as { team_id: string }).team_id;
    // Events are acked by Bolt before any listener runs, so this lookup never delays the ack.
    background(dispatch(fromReaction(e, (body as { event_id: string }).event_id, teamId, await admins.isAdmin(client, teamId, e.user)), ephemeralVia(undefined, client, { channel: e.item.channel, user: e.user })));
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
