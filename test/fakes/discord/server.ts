/**
 * A loopback fake of Discord: REST under /api/v10 (JSON answers, multipart uploads, Discord's
 * per-route and global rate limits with the documented headers and 429s, see ./rate-limits.ts)
 * and the gateway websocket (Hello, Identify → READY + GUILD_CREATE, heartbeats, Resume,
 * dispatches), plus a CDN path for attachments. Records every REST call (429s included).
 * Permissions: guild members with roles (GET /guilds/{g}/members/{u}), the guild's roles
 * (GET /guilds/{g}/roles), channels with permission overwrites (GET /channels/{c}) and private
 * thread members, all from tables the test sets. The bot has a managed role with what it was
 * invited with; a member overwrite for the bot on a channel takes permissions away there, and
 * REST answers 403 (50001 Missing Access, 50013 Missing Permissions) as Discord does.
 *
 * Never kinder than Discord: the MessageContent intent is off in the "developer portal" unless a
 * test turns it on (`messageContentEnabled`), so other users' guild messages come back with empty
 * content, attachments, embeds and components over REST, and an Identify asking for the intent is
 * closed with 4014. DMs show their content. A DM has no threads (50024). MESSAGE_CREATE in DMs is
 * dispatched only to a session that asked for the DirectMessages intent.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ADMIN_ROLE_ID,
  apiMessage,
  APP_ID,
  BOT_ID,
  BOT_ROLE_BITS,
  BOT_ROLE_ID,
  CHANNEL_ID,
  CREATE_PUBLIC_THREADS,
  DM_CHANNEL_PREFIX,
  EVERYONE_BITS,
  GUILD_ID,
  GUILD_OWNER_ID,
  INTENT_DIRECT_MESSAGES,
  INTENT_MESSAGE_CONTENT,
  member,
  MOD_ROLE_ID,
  nextSnowflake,
  READ_MESSAGE_HISTORY,
  SEND_MESSAGES,
  VIEW_CHANNEL,
  type DiscordCall,
  type FakeChannel,
  type FakeMessage,
  type FakeRole,
  type InteractionInit,
} from './objects.js';
import { DiscordRateLimits } from './rate-limits.js';

export * from './objects.js';
export type { DiscordRateLimitAnswer } from './rate-limits.js';


export class FakeDiscord {
  readonly calls: DiscordCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly threads = new Map<string, string>();
  readonly cdn = new Map<string, { bytes: Buffer; type: string }>();
  commands: unknown[] = [];
  premiumTier = 0;
  /** Roles besides @everyone, mods and admins. */
  readonly extraRoles: FakeRole[] = [];
  /** Guild members GET /guilds/{g}/members/{u} answers (role ids); anyone else is Unknown Member. */
  readonly members = new Map<string, string[]>();
  /** Channels besides #general and the threads; GET /channels/{c} answers these with their overwrites. */
  readonly channels = new Map<string, FakeChannel>();
  /** Members of private threads (GET /channels/{t}/thread-members/{u}). */
  readonly threadMembers = new Map<string, Set<string>>();
  /**
   * Discord's per-route buckets and global limit, enforced per bot token (./rate-limits.ts): every
   * REST answer carries its bucket's X-RateLimit-* headers and a request past a limit is answered
   * 429; `rateLimits.limited` lists every 429. Off: no headers and no 429s (but `rateLimitEdits`).
   */
  enforceRateLimits = true;
  readonly rateLimits = new DiscordRateLimits();
  /** Message edits to answer with 429 (the next N PATCHes of channel messages), besides the real limits. */
  rateLimitEdits = 0;
  /** Seconds a 429 on an edit asks the client to wait. */
  rateLimitRetryAfter = 0.3;
  identifies = 0;
  resumes = 0;
  /** The `d` of every op 2 Identify received (token, intents, …). */
  readonly identifyPayloads: Array<Record<string, unknown>> = [];
  /** The privileged MessageContent intent, as switched in the developer portal (off for a new app). */
  messageContentEnabled = false;
  /** DM channels the bot has, by channel id → the user on the other side. */
  readonly dmChannels = new Map<string, string>();
  url = '';
  private server?: Server;
  private wss?: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private seq = 0;

  get apiUrl(): string {
    return `${this.url}/api`;
  }

  callsTo(method: string, pattern: RegExp): DiscordCall[] {
    return this.calls.filter((c) => c.method === method && pattern.test(c.path));
  }

  /** An attachment whose CDN link answers a redirect (not something Discord does: it tests that downloads re-check every hop). */
  readonly cdnRedirects = new Map<string, string>();
  redirectAttachment(name: string, location: string): Record<string, unknown> {
    const attachment = this.addAttachment(name, 'image/png', Buffer.alloc(0));
    this.cdnRedirects.set(`${String(attachment['id'])}/${name}`, location);
    return attachment;
  }

  addAttachment(name: string, type: string, bytes: Buffer): Record<string, unknown> {
    const id = nextSnowflake();
    this.cdn.set(`${id}/${name}`, { bytes, type });
    return { id, filename: name, content_type: type, size: bytes.length, url: `${this.url}/cdn/attachments/${CHANNEL_ID}/${id}/${name}?ex=1`, proxy_url: `${this.url}/cdn/attachments/${CHANNEL_ID}/${id}/${name}` };
  }

  /** A message someone posted earlier: stored (GET answers it) but never sent over the gateway, so uncached. */
  addMessage(channelId: string, content: string, attachments: Array<Record<string, unknown>> = [], authorId = '200000000000000001', embeds: Array<Record<string, unknown>> = []): FakeMessage {
    const m: FakeMessage = { id: nextSnowflake(), channel_id: channelId, content, author: { id: authorId, username: 'user' }, attachments, embeds, timestamp: new Date().toISOString() };
    this.messages.set(m.id, m);
    return m;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws, req) => this.onSocket(ws, req.url ?? '/'));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  async connected(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (![...this.sockets].some((s) => (s as WebSocket & { ready?: boolean }).ready)) {
      if (Date.now() > end) throw new Error('gateway client never became ready');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The bot's DM channel with a user (as POST /users/@me/channels would open it). */
  dmChannelOf(userId: string): string {
    const id = `${DM_CHANNEL_PREFIX}${userId.slice(-9)}`;
    this.dmChannels.set(id, userId);
    return id;
  }

  /**
   * Dispatches INTERACTION_CREATE from a DM with the bot, as Discord sends it there: no guild,
   * `user` instead of `member`, context 1 (BotDM), the DM channel (type 1).
   */
  sendDmInteraction(init: Omit<InteractionInit, 'channel' | 'permissions'>): string {
    const id = nextSnowflake();
    const userId = init.userId ?? '200000000000000001';
    const channelId = this.dmChannelOf(userId);
    this.dispatch('INTERACTION_CREATE', {
      id, application_id: APP_ID, type: init.type, data: init.data, channel_id: channelId,
      channel: { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [member(userId).user] },
      user: member(userId).user, token: `tok-${id}`, version: 1, app_permissions: '0', locale: 'en-US', entitlements: [],
      authorizing_integration_owners: { '0': GUILD_ID }, context: 1, attachment_size_limit: 10 * 1024 * 1024,
      ...(init.message ? { message: apiMessage(init.message) } : {}),
    });
    return id;
  }

  /** A user writes to the bot in their DM: MESSAGE_CREATE (with `channel_type` 1, as the gateway sends it), only to sessions with the DirectMessages intent. */
  sendDirectMessage(userId: string, content: string, attachments: Array<Record<string, unknown>> = []): FakeMessage {
    const channelId = this.dmChannelOf(userId);
    const m: FakeMessage = { id: nextSnowflake(), channel_id: channelId, content, author: { id: userId, username: `u${userId.slice(-4)}` }, attachments, embeds: [], timestamp: new Date().toISOString() };
    this.messages.set(m.id, m);
    this.seq += 1;
    for (const ws of this.sockets) {
      const session = ws as WebSocket & { ready?: boolean; intents?: number };
      if (session.ready && (session.intents ?? 0) & INTENT_DIRECT_MESSAGES) ws.send(JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', s: this.seq, d: { ...apiMessage(m), author: member(userId).user, channel_type: 1, mentions: [] } }));
    }
    return m;
  }

  /** Takes permissions away from the bot in a channel (a member overwrite, as a server admin would set it). */
  denyBot(channelId: string, bits: bigint, name = 'restricted'): void {
    const existing = this.channels.get(channelId);
    const overwrites = (existing?.permission_overwrites ?? []).filter((o) => o.id !== BOT_ID);
    this.channels.set(channelId, { id: channelId, type: 0, guild_id: GUILD_ID, name, ...existing, permission_overwrites: [...overwrites, { id: BOT_ID, type: 1, allow: '0', deny: String(bits) }] });
  }

  /** What the bot is denied in a channel (its member overwrite there). */
  private botDenied(channelId: string): bigint {
    const own = this.channels.get(channelId)?.permission_overwrites.find((o) => o.id === BOT_ID && o.type === 1);
    return own ? BigInt(own.deny) : 0n;
  }

  /** 403 as Discord answers it when the bot lacks a permission the route needs; undefined when allowed. */
  private refusal(channelId: string, needs: bigint): { status: number; body: unknown } | undefined {
    const denied = this.botDenied(channelId);
    if (denied & VIEW_CHANNEL) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    if (denied & needs) return { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
    return undefined;
  }

  /** A message as the bot reads it over REST: other people's guild messages are blank without the intent. */
  private asSeenByBot(m: FakeMessage): FakeMessage {
    const mine = m.author.id === BOT_ID;
    const inDm = this.dmChannels.has(m.channel_id);
    const mentioned = m.content.includes(`<@${BOT_ID}>`);
    if (mine || inDm || mentioned || this.messageContentEnabled) return m;
    return { ...m, content: '', attachments: [], embeds: [], components: [] };
  }

  /** Dispatches INTERACTION_CREATE as Discord sends it for a guild member; the token is `tok-<id>`. */
  sendInteraction(init: InteractionInit): string {
    const id = nextSnowflake();
    const userId = init.userId ?? '200000000000000001';
    const channel = init.channel ?? { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'general' };
    this.dispatch('INTERACTION_CREATE', {
      id, application_id: APP_ID, type: init.type, data: init.data, guild_id: GUILD_ID, channel_id: channel['id'], channel,
      member: member(userId, init.permissions ?? '0'), token: `tok-${id}`, version: 1, app_permissions: '8', locale: 'en-US',
      entitlements: [], authorizing_integration_owners: {}, attachment_size_limit: this.uploadLimitBytes(),
      ...(init.message ? { message: apiMessage(init.message) } : {}),
    });
    return id;
  }

  /** Dispatches MESSAGE_REACTION_ADD (with the reactor's member object, as Discord does in guilds). */
  sendReaction(init: { userId: string; messageId: string; emoji: string; channelId?: string; roles?: string[] }): void {
    this.dispatch('MESSAGE_REACTION_ADD', {
      user_id: init.userId, channel_id: init.channelId ?? CHANNEL_ID, message_id: init.messageId, guild_id: GUILD_ID,
      emoji: { id: null, name: init.emoji }, member: member(init.userId, undefined, init.roles), burst: false, type: 0,
    });
  }

  /** The interaction callback (initial response) recorded for an interaction id. */
  callbackOf(interactionId: string): DiscordCall | undefined {
    return this.calls.find((c) => c.method === 'POST' && c.path.startsWith(`/interactions/${interactionId}/`));
  }

  /** Drops every gateway connection without a close frame, as a network failure would. */
  dropConnections(): void {
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
  }

  dispatch(t: string, d: unknown): void {
    this.seq += 1;
    for (const s of this.sockets) if ((s as WebSocket & { ready?: boolean }).ready) s.send(JSON.stringify({ op: 0, t, s: this.seq, d }));
  }

  /** Per-file upload limit of the fake guild, as Discord sets it by boost tier. */
  uploadLimitBytes(): number {
    return [10, 10, 50, 100][this.premiumTier]! * 1024 * 1024;
  }

  private onSocket(ws: WebSocket & { ready?: boolean }, url: string): void {
    // discord.js asks for zlib-stream only when zlib-sync is installed (it is not here); this fake
    // speaks plain JSON, so say so loudly instead of sending frames the client cannot read.
    const query = new URL(url, 'ws://fake').searchParams;
    if (query.has('compress') || (query.get('encoding') ?? 'json') !== 'json') return void ws.close(4000, 'the fake gateway speaks uncompressed JSON only');
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as { op: number; d: unknown };
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (msg.op === 2) {
        this.identifies += 1;
        this.identifyPayloads.push(msg.d as Record<string, unknown>);
        const intents = Number((msg.d as { intents?: unknown }).intents ?? 0);
        // Discord closes a session that asks for a privileged intent the portal has off.
        if (intents & INTENT_MESSAGE_CONTENT && !this.messageContentEnabled) return void ws.close(4014, 'Disallowed intent(s).');
        (ws as WebSocket & { intents?: number }).intents = intents;
        ws.ready = true;
        this.seq += 1;
        ws.send(JSON.stringify({ op: 0, t: 'READY', s: this.seq, d: { v: 10, user: { id: BOT_ID, username: 'genbot', discriminator: '0', bot: true, avatar: null }, guilds: [{ id: GUILD_ID, unavailable: true }], session_id: randomUUID(), resume_gateway_url: `${this.url.replace('http', 'ws')}/gateway`, application: { id: APP_ID, flags: 0 }, shard: [0, 1] } }));
        this.seq += 1;
        ws.send(JSON.stringify({ op: 0, t: 'GUILD_CREATE', s: this.seq, d: this.guild() }));
      }
      if (msg.op === 6) {
        this.resumes += 1;
        ws.ready = true;
        this.seq += 1;
        ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: this.seq, d: {} }));
      }
    });
  }

  guild(): Record<string, unknown> {
    return {
      id: GUILD_ID, name: 'Fake guild', icon: null, owner_id: GUILD_OWNER_ID, unavailable: false, premium_tier: this.premiumTier, member_count: 3, large: false, features: [],
      roles: this.roles(),
      channels: [{ id: CHANNEL_ID, type: 0, name: 'general', guild_id: GUILD_ID, position: 0, permission_overwrites: [] }, ...[...this.channels.values()].map((c, i) => ({ position: i + 1, ...c }))],
      threads: [], members: [], emojis: [], stickers: [], voice_states: [], presences: [], stage_instances: [], guild_scheduled_events: [], joined_at: new Date().toISOString(),
    };
  }

  roles(): Array<Record<string, unknown>> {
    const role = (r: FakeRole, position: number) => ({ ...r, position, color: 0, hoist: false, managed: false, mentionable: false });
    return [
      role({ id: GUILD_ID, name: '@everyone', permissions: EVERYONE_BITS }, 0),
      role({ id: MOD_ROLE_ID, name: 'mods', permissions: String((1n << 13n) | 1024n) }, 1),
      role({ id: ADMIN_ROLE_ID, name: 'admins', permissions: String((1n << 5n) | 1024n) }, 2),
      { ...role({ id: BOT_ROLE_ID, name: 'genbot', permissions: BOT_ROLE_BITS }, 3), managed: true, tags: { bot_id: BOT_ID } },
      ...this.extraRoles.map((r, i) => role(r, i + 4)),
    ];
  }

  private json(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (status === 204) {
      res.writeHead(204, headers);
      return void res.end();
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = url.pathname;

    if (path.startsWith('/cdn/attachments/')) {
      const key = path.split('/').slice(-2).join('/');
      const redirect = this.cdnRedirects.get(key);
      if (redirect) {
        res.writeHead(302, { location: redirect });
        return void res.end();
      }
      const file = this.cdn.get(key);
      if (!file) return this.json(res, 404, { message: 'Not found' });
      res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.bytes.length) });
      return void res.end(file.bytes);
    }
    if (!path.startsWith('/api/v10/')) return this.json(res, 404, { message: '404: Not Found', code: 0 });
    const route = path.slice('/api/v10'.length);
    const method = req.method ?? 'GET';
    let body: Record<string, unknown> | undefined;
    const files: DiscordCall['files'] = [];
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
      for (const [key, value] of form.entries()) {
        if (key === 'payload_json' && typeof value === 'string') body = JSON.parse(value) as Record<string, unknown>;
        else if (typeof value !== 'string') files.push({ name: value.name, size: value.size, bytes: Buffer.from(await value.arrayBuffer()) });
      }
    } else if (raw.length > 0) {
      body = JSON.parse(raw.toString()) as Record<string, unknown>;
    }
    this.calls.push({ method, path: route, body, files, at: Date.now() });
    const messageDefaults = { type: 0, flags: 0, tts: false, pinned: false, mention_everyone: false, mentions: [], mention_roles: [], components: [], edited_timestamp: null };
    if (this.rateLimitEdits > 0 && method === 'PATCH' && /^\/channels\/\d+\/messages\/\d+$/.test(route) && this.messages.has(route.split('/')[4]!)) {
      this.rateLimitEdits -= 1;
      const retryAfter = this.rateLimitRetryAfter;
      return this.json(res, 429, { message: 'You are being rate limited.', retry_after: retryAfter, global: false }, this.rateLimits.forced(method, route, retryAfter));
    }
    if (this.enforceRateLimits) {
      // Limits are per bot (its token); every answer below carries the bucket's headers.
      const decision = this.rateLimits.check(req.headers.authorization ?? 'anonymous', method, route);
      if (decision.limited) return this.json(res, 429, decision.limited, decision.headers);
      for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    }

    let m: RegExpExecArray | null;
    if (method === 'GET' && route === '/gateway/bot') return this.json(res, 200, { url: `${this.url.replace('http', 'ws')}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    if (method === 'GET' && route === '/users/@me') return this.json(res, 200, { id: BOT_ID, username: 'genbot', discriminator: '0', bot: true, avatar: null });
    if (method === 'POST' && route === '/users/@me/channels') {
      const userId = String(body?.['recipient_id'] ?? '');
      const id = this.dmChannelOf(userId);
      return this.json(res, 200, { id, type: 1, last_message_id: null, flags: 0, recipients: [member(userId).user] });
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(route))) return this.json(res, 204);
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(?:@|%40)original$/.exec(route))) return this.json(res, 200, { ...messageDefaults, id: nextSnowflake(), channel_id: CHANNEL_ID, content: body?.['content'] ?? '', author: { id: BOT_ID, username: 'genbot', discriminator: '0', avatar: null }, attachments: [], embeds: [], timestamp: new Date().toISOString() });
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(route))) return this.json(res, 200, { ...messageDefaults, id: nextSnowflake(), channel_id: CHANNEL_ID, content: body?.['content'] ?? '', author: { id: BOT_ID, username: 'genbot', discriminator: '0', avatar: null }, attachments: [], embeds: [], timestamp: new Date().toISOString() });
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(route))) {
      if (method === 'PUT') this.commands = (body as unknown as unknown[]) ?? [];
      return this.json(res, 200, this.commands.map((c, i) => ({ id: String(i + 1), application_id: APP_ID, version: '1', ...(c as object) })));
    }
    if ((m = /^\/guilds\/(\d+)$/.exec(route))) return this.json(res, 200, this.guild());
    if ((m = /^\/guilds\/(\d+)\/roles$/.exec(route)) && method === 'GET') return this.json(res, 200, this.roles());
    if ((m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(route)) && method === 'GET') {
      const roles = m[2] === BOT_ID ? [BOT_ROLE_ID] : this.members.get(m[2]!);
      if (!roles) return this.json(res, 404, { message: 'Unknown Member', code: 10007 });
      return this.json(res, 200, member(m[2]!, undefined, roles));
    }
    if ((m = /^\/channels\/(\d+)\/thread-members\/(\d+)$/.exec(route)) && method === 'GET') {
      if (!this.threadMembers.get(m[1]!)?.has(m[2]!)) return this.json(res, 404, { message: 'Unknown Member', code: 10007 });
      return this.json(res, 200, { id: m[1], user_id: m[2], join_timestamp: new Date().toISOString(), flags: 0 });
    }
    if ((m = /^\/channels\/(\d+)$/.exec(route)) && this.dmChannels.has(m[1]!)) return this.json(res, 200, { id: m[1], type: 1, last_message_id: null, flags: 0, recipients: [member(this.dmChannels.get(m[1]!)!).user] });
    if ((m = /^\/channels\/(\d+)$/.exec(route)) && this.channels.has(m[1]!)) {
      const refused = this.refusal(m[1]!, VIEW_CHANNEL);
      if (refused) return this.json(res, refused.status, refused.body);
      return this.json(res, 200, this.channels.get(m[1]!));
    }
    if ((m = /^\/channels\/(\d+)$/.exec(route))) {
      const isThread = [...this.threads.values()].includes(m[1]!);
      // Only #general and the threads made from its messages exist; anything else is unknown.
      if (!isThread && m[1] !== CHANNEL_ID) return this.json(res, 404, { message: 'Unknown Channel', code: 10003 });
      return this.json(res, 200, { id: m[1], type: isThread ? 11 : 0, guild_id: GUILD_ID, name: isThread ? 'thread' : 'general', ...(isThread ? { parent_id: CHANNEL_ID, thread_metadata: { archived: false, auto_archive_duration: 1440, locked: false } } : {}) });
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(route))) {
      if (this.dmChannels.has(m[1]!)) return this.json(res, 400, { message: 'Cannot execute action on this channel type', code: 50024 });
      const refused = this.refusal(m[1]!, CREATE_PUBLIC_THREADS);
      if (refused) return this.json(res, refused.status, refused.body);
      if (this.threads.has(m[2]!)) return this.json(res, 400, { message: 'A thread has already been created for this message', code: 160004 });
      this.threads.set(m[2]!, m[2]!);
      return this.json(res, 201, { id: m[2], type: 11, guild_id: GUILD_ID, parent_id: m[1], name: body?.['name'] });
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(route)) && method === 'POST') {
      const refused = this.refusal(m[1]!, SEND_MESSAGES);
      if (refused) return this.json(res, refused.status, refused.body);
      // Discord's per-file limit by boost tier: 40005 Request entity too large.
      if (files.some((f) => f.size > this.uploadLimitBytes())) return this.json(res, 413, { message: 'Request entity too large', code: 40005 });
      const attachments = files.map((f) => {
        const id = nextSnowflake();
        this.cdn.set(`${id}/${f.name}`, { bytes: f.bytes, type: f.name.endsWith('.mp4') ? 'video/mp4' : 'image/png' });
        return { id, filename: f.name, size: f.size, content_type: f.name.endsWith('.mp4') ? 'video/mp4' : 'image/png', url: `${this.url}/cdn/attachments/${m![1]}/${id}/${f.name}`, proxy_url: `${this.url}/cdn/attachments/${m![1]}/${id}/${f.name}` };
      });
      const msg: FakeMessage = { ...messageDefaults, id: nextSnowflake(), channel_id: m[1]!, content: String(body?.['content'] ?? ''), author: { id: BOT_ID, username: 'genbot', bot: true }, attachments, embeds: (body?.['embeds'] as FakeMessage['embeds']) ?? [], components: body?.['components'], timestamp: new Date().toISOString() };
      this.messages.set(msg.id, msg);
      return this.json(res, 200, msg);
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(route))) {
      const msg = this.messages.get(m[2]!);
      if (!msg) return this.json(res, 404, { message: 'Unknown Message', code: 10008 });
      if (method === 'GET') {
        const refused = this.refusal(m[1]!, READ_MESSAGE_HISTORY);
        if (refused) return this.json(res, refused.status, refused.body);
        return this.json(res, 200, apiMessage(this.asSeenByBot(msg)));
      }
      if (method === 'DELETE') {
        this.messages.delete(msg.id);
        return this.json(res, 204);
      }
      if (method === 'PATCH') {
        Object.assign(msg, { content: body?.['content'] ?? msg.content, embeds: body?.['embeds'] ?? msg.embeds, components: body?.['components'] ?? msg.components });
        return this.json(res, 200, msg);
      }
    }
    return this.json(res, 404, { message: `404: Not Found (${method} ${route})`, code: 0 });
  }
}
