/**
 * A loopback fake of Slack that speaks the documented protocols: the Web API (form or JSON
 * bodies, `{ok}` answers, 429 with Retry-After), the files.uploadV2 upload URL, private file
 * downloads that need the bot token (an HTML login page otherwise), response_url, OAuth token
 * exchange, and the Socket Mode websocket (hello, envelopes, acks). Records every call (a
 * benchmark may have it count them instead: `recordCalls`).
 * users.info answers from a table of users the test sets (admins, owners, guests, failures);
 * views.open records the modals and views.publish the App Home views; conversations.info /
 * conversations.members answer from a table of channels (public or private, with members,
 * paginated by cursor).
 *
 * Never kinder than Slack: files.completeUploadExternal answers only the files' ids and titles
 * (where the file was shared is in files.info's `shares`); a channel the bot is not a member of
 * refuses its history and its posts (`not_in_channel` when public, `channel_not_found` when
 * private), except chat.postMessage in a public channel when the bot has chat:write.public.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackRateLimits } from './rate-limits.js';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  /** When the fake received it (ms since the epoch), for latency figures. */
  at: number;
}

export interface FakeSlackMessage {
  ts: string;
  channel: string;
  text?: string;
  thread_ts?: string;
  user?: string;
  files?: Array<Record<string, unknown>>;
  blocks?: unknown;
}

/** A user as users.info describes them; anyone not in the table is a plain member. */
export interface FakeSlackUser {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  team_id?: string;
}

export interface FakeSlackChannel {
  is_private: boolean;
  members: string[];
  /** An IM (a DM) instead of a channel. */
  is_im?: boolean;
  /** Whether the bot was invited (default: yes). */
  botMember?: boolean;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  /** Calls per method, kept even when `recordCalls` is off. */
  readonly callCounts = new Map<string, number>();
  /**
   * Off for a long benchmark (bench/fake-slack-main.ts): every call then only counts, and an
   * upload's bytes are counted instead of kept, so the fake neither grows nor copies with the run
   * (its CPU is taken from the worker it measures). Tests keep both on.
   */
  recordCalls = true;
  keepUploadBytes = true;
  readonly messages: FakeSlackMessage[] = [];
  /** The same messages by channel and ts, for chat.update (a scan of every message grew with the run). */
  private readonly messageIndex = new Map<string, FakeSlackMessage>();
  readonly uploads = new Map<string, { bytes: Buffer; size?: number; filename?: string }>();
  readonly responses: Array<{ id: string; body: Record<string, unknown> }> = [];
  readonly files = new Map<string, { bytes: Buffer; mimetype: string }>();
  /** Workspace admins (is_admin), the short way; `users` says more. */
  readonly admins = new Set<string>();
  /** The users table users.info answers from. */
  readonly users = new Map<string, FakeSlackUser>();
  /** users.info answers `ok: false` for these users. */
  readonly usersInfoFailures = new Set<string>();
  /** users.info answers after this long (to show that acks do not wait on it). */
  usersInfoDelayMs = 0;
  /** Modals opened with views.open. */
  readonly views: Array<{ trigger_id: string; view: Record<string, unknown>; id: string }> = [];
  /** App Home views published with views.publish, in order. */
  readonly homeViews: Array<{ user_id: string; view: Record<string, unknown>; id: string }> = [];
  /** The bot token's scopes (the manifest's); chat.postMessage needs chat:write.public outside the bot's channels. */
  readonly botScopes = new Set(['chat:write', 'chat:write.public']);
  /** Where each uploaded file was shared (files.info `shares`). */
  private readonly shares = new Map<string, { channel: string; ts: string; isPrivate: boolean }>();
  /** chat.postEphemeral answers `not_in_channel` in these channels (the bot is not a member). */
  readonly ephemeralFailures = new Set<string>();
  /** Channels conversations.info and conversations.members know; C1 is public. */
  readonly channels = new Map<string, FakeSlackChannel>([['C1', { is_private: false, members: [] }]]);
  /** Tokens that are valid, by team. */
  readonly tokens = new Map<string, string>([['xoxb-test-token', 'T1']]);
  /** Slack's published limits, enforced per workspace and method (./rate-limits.ts); `rateLimits.limited` lists every 429. */
  enforceRateLimits = true;
  readonly rateLimits = new SlackRateLimits();
  /** chat.update calls to answer 429 (with Retry-After 1). */
  rateLimitUpdates = 0;
  url = '';
  private server?: Server;
  private wss?: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private pendingAcks = new Map<string, (payload: unknown) => void>();
  private lastMicros = 0;

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A user file only the bot token can download (url_private_download). */
  addFile(name: string, mimetype: string, bytes: Buffer): Record<string, unknown> {
    const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
    this.files.set(id, { bytes, mimetype });
    return { id, name, mimetype, size: bytes.length, url_private_download: `${this.url}/files-pri/T1-${id}/download/${name}`, url_private: `${this.url}/files-pri/T1-${id}/${name}` };
  }

  addMessage(message: Omit<FakeSlackMessage, 'ts'> & { ts?: string }): FakeSlackMessage {
    const m = { ts: message.ts ?? this.nextTs(), ...message };
    this.messages.push(m);
    this.messageIndex.set(`${m.channel} ${m.ts}`, m);
    return m;
  }

  /** Slack's ts: the posting time in seconds with microseconds, unique and increasing (as `oldest` filters rely on). */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        const msg = JSON.parse(data.toString()) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) this.pendingAcks.get(msg.envelope_id)?.(msg.payload);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A1' } }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** Waits for a Socket Mode client to connect. */
  async socketConnected(timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.sockets.size === 0) {
      if (Date.now() > until) throw new Error('no socket mode client connected');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a Socket Mode envelope and resolves with the app's ack payload. */
  sendEnvelope(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown, retryAttempt = 0): Promise<unknown> {
    const envelope_id = randomUUID();
    const acked = new Promise<unknown>((resolve) => this.pendingAcks.set(envelope_id, resolve));
    const msg = { envelope_id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: retryAttempt, retry_reason: retryAttempt ? 'timeout' : '' };
    for (const s of this.sockets) s.send(JSON.stringify(msg));
    return acked;
  }

  private async readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  }

  /** An upload's size without keeping its bytes (`keepUploadBytes` off). */
  private async countBody(req: IncomingMessage): Promise<number> {
    let n = 0;
    for await (const c of req) n += (c as Buffer).length;
    return n;
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (!this.keepUploadBytes && url.pathname.startsWith('/upload/')) {
      const size = await this.countBody(req);
      const id = url.pathname.slice('/upload/'.length);
      this.uploads.set(id, { ...this.uploads.get(id), bytes: EMPTY, size });
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`OK - ${size}`);
    }
    const raw = await this.readBody(req);
    const auth = /^Bearer\s+(.+)$/.exec(req.headers.authorization ?? '')?.[1];

    if (url.pathname.startsWith('/files-pri/')) {
      const id = /\/files-pri\/T1-([^/]+)\//.exec(url.pathname)?.[1] ?? '';
      const file = this.files.get(id);
      if (!auth || !this.tokens.has(auth) || !file) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<!doctype html><html><body>Sign in to Slack</body></html>');
      }
      res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) });
      return void res.end(file.bytes);
    }
    if (url.pathname.startsWith('/upload/')) {
      const id = url.pathname.slice('/upload/'.length);
      let bytes = raw;
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) {
        const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
        const file = [...form.values()].find((v): v is File => typeof v !== 'string');
        if (file) bytes = Buffer.from(await file.arrayBuffer());
      }
      this.uploads.set(id, { ...this.uploads.get(id), bytes });
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end(`OK - ${raw.length}`);
    }
    if (url.pathname.startsWith('/respond/')) {
      this.responses.push({ id: url.pathname.slice('/respond/'.length), body: JSON.parse(raw.toString() || '{}') as Record<string, unknown> });
      return this.json(res, 200, { ok: true });
    }
    if (!url.pathname.startsWith('/api/')) return this.json(res, 404, { ok: false, error: 'unknown_url' });

    const method = url.pathname.slice('/api/'.length);
    const type = req.headers['content-type'] ?? '';
    let args: Record<string, unknown> = {};
    if (type.includes('application/json')) args = JSON.parse(raw.toString() || '{}') as Record<string, unknown>;
    else for (const [k, v] of new URLSearchParams(raw.toString())) args[k] = /^[[{]/.test(v) ? safeJson(v) : v;
    for (const [k, v] of url.searchParams) args[k] ??= v;
    const token = auth ?? (typeof args['token'] === 'string' ? args['token'] : undefined);
    if (this.recordCalls) this.calls.push({ method, args, ...(token ? { token } : {}), at: Date.now() });
    this.callCounts.set(method, (this.callCounts.get(method) ?? 0) + 1);
    const team = token ? this.tokens.get(token) : undefined;
    const noAuth = ['oauth.v2.access', 'apps.connections.open', 'api.test'];
    if (!noAuth.includes(method) && !team) return this.json(res, 200, { ok: false, error: 'invalid_auth' });

    const channelArg = String(args['channel'] ?? args['channel_id'] ?? '');
    if (this.enforceRateLimits && team) {
      const retryAfter = this.rateLimits.check(team, method, channelArg || undefined);
      if (retryAfter > 0) return this.json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    }
    const known = this.channels.get(channelArg);
    // A channel the bot was not invited to: Slack hides a private one and refuses a public one.
    const outside = known && known.botMember === false ? (known.is_private ? 'channel_not_found' : 'not_in_channel') : undefined;

    switch (method) {
      case 'api.test':
        return this.json(res, 200, { ok: true });
      case 'auth.test':
        return this.json(res, 200, { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'genbot', team_id: team, user_id: 'UBOT', bot_id: 'BBOT' });
      case 'chat.postMessage': {
        if (outside && !(outside === 'not_in_channel' && this.botScopes.has('chat:write.public'))) return this.json(res, 200, { ok: false, error: outside });
        const m = this.addMessage({ channel: String(args['channel']), text: String(args['text'] ?? ''), blocks: args['blocks'], ...(args['thread_ts'] ? { thread_ts: String(args['thread_ts']) } : {}), user: 'UBOT' });
        return this.json(res, 200, { ok: true, channel: m.channel, ts: m.ts, message: m });
      }
      case 'chat.update': {
        if (this.rateLimitUpdates > 0) {
          this.rateLimitUpdates -= 1;
          return this.json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
        }
        const m = this.messageIndex.get(`${String(args['channel'])} ${String(args['ts'])}`);
        if (!m) return this.json(res, 200, { ok: false, error: 'message_not_found' });
        Object.assign(m, { text: args['text'], blocks: args['blocks'] });
        return this.json(res, 200, { ok: true, channel: m.channel, ts: m.ts });
      }
      case 'chat.postEphemeral':
        if (outside) return this.json(res, 200, { ok: false, error: outside });
        if (this.ephemeralFailures.has(String(args['channel']))) return this.json(res, 200, { ok: false, error: 'not_in_channel' });
        return this.json(res, 200, { ok: true, message_ts: this.nextTs() });
      case 'chat.delete':
        return this.json(res, 200, { ok: true });
      case 'users.info': {
        const id = String(args['user']);
        if (this.usersInfoDelayMs > 0) await new Promise((r) => setTimeout(r, this.usersInfoDelayMs));
        if (this.usersInfoFailures.has(id)) return this.json(res, 200, { ok: false, error: 'user_not_found' });
        const user = this.users.get(id) ?? {};
        return this.json(res, 200, {
          ok: true,
          user: {
            id, name: id.toLowerCase(), team_id: user.team_id ?? team, deleted: false,
            is_admin: this.admins.has(id) || !!user.is_admin, is_owner: !!user.is_owner, is_primary_owner: !!user.is_primary_owner,
            is_restricted: !!user.is_restricted, is_ultra_restricted: !!user.is_ultra_restricted, is_bot: false,
          },
        });
      }
      case 'views.open': {
        const view = (typeof args['view'] === 'string' ? safeJson(args['view']) : args['view']) as Record<string, unknown>;
        if (!args['trigger_id']) return this.json(res, 200, { ok: false, error: 'invalid_trigger_id' });
        const id = `V${randomUUID().slice(0, 8).toUpperCase()}`;
        this.views.push({ trigger_id: String(args['trigger_id']), view, id });
        return this.json(res, 200, { ok: true, view: { ...view, id, team_id: team, state: { values: {} }, hash: '1.2' } });
      }
      case 'views.publish': {
        const view = (typeof args['view'] === 'string' ? safeJson(args['view']) : args['view']) as Record<string, unknown>;
        if (!args['user_id']) return this.json(res, 200, { ok: false, error: 'invalid_arguments' });
        if (view?.['type'] !== 'home') return this.json(res, 200, { ok: false, error: 'invalid_arguments' });
        if (Array.isArray(view['blocks']) && view['blocks'].length > 100) return this.json(res, 200, { ok: false, error: 'invalid_blocks' });
        const id = `V${randomUUID().slice(0, 8).toUpperCase()}`;
        this.homeViews.push({ user_id: String(args['user_id']), view, id });
        return this.json(res, 200, { ok: true, view: { ...view, id, team_id: team, hash: '1.3' } });
      }
      case 'conversations.info': {
        const id = String(args['channel']);
        const channel = this.channels.get(id);
        if (!channel) return this.json(res, 200, { ok: false, error: 'channel_not_found' });
        return this.json(res, 200, { ok: true, channel: { id, name: id.toLowerCase(), is_channel: !channel.is_im, is_group: false, is_im: !!channel.is_im, is_private: channel.is_private, is_archived: false } });
      }
      case 'conversations.members': {
        const channel = this.channels.get(String(args['channel']));
        if (!channel) return this.json(res, 200, { ok: false, error: 'channel_not_found' });
        // Cursor pagination as Slack documents it: next_cursor is empty on the last page.
        const limit = Number(args['limit'] ?? 100);
        const start = Number(args['cursor'] ?? 0);
        const members = channel.members.slice(start, start + limit);
        const next = start + limit < channel.members.length ? String(start + limit) : '';
        return this.json(res, 200, { ok: true, members, response_metadata: { next_cursor: next } });
      }
      case 'conversations.history':
      case 'conversations.replies': {
        if (outside) return this.json(res, 200, { ok: false, error: outside });
        const inChannel = this.messages.filter((m) => m.channel === args['channel']);
        const limit = Number(args['limit'] ?? 100) || 100;
        const latest = args['latest'] !== undefined ? Number(args['latest']) : Infinity;
        const oldest = Number(args['oldest'] ?? 0);
        const inclusive = args['inclusive'] === true || args['inclusive'] === 'true' || args['inclusive'] === '1';
        const inRange = (m: FakeSlackMessage) => (inclusive ? Number(m.ts) <= latest && Number(m.ts) >= oldest : Number(m.ts) < latest && Number(m.ts) > oldest);
        if (method === 'conversations.history') {
          // The channel's top level only (thread replies are not in its history), newest first.
          const top = inChannel.filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && inRange(m)).sort((a, b) => Number(b.ts) - Number(a.ts));
          return this.json(res, 200, { ok: true, messages: top.slice(0, limit) });
        }
        // replies: `ts` may be the parent or any reply; the parent always comes first, then the replies in range, oldest first.
        const asked = inChannel.find((m) => m.ts === String(args['ts'] ?? ''));
        const rootTs = asked?.thread_ts ?? asked?.ts;
        const root = inChannel.find((m) => m.ts === rootTs);
        if (!root) return this.json(res, 200, { ok: false, error: 'thread_not_found' });
        const replies = inChannel.filter((m) => m.thread_ts === root.ts && m.ts !== root.ts && inRange(m)).sort((a, b) => Number(a.ts) - Number(b.ts));
        return this.json(res, 200, { ok: true, messages: [root, ...replies].slice(0, limit) });
      }
      case 'files.getUploadURLExternal': {
        const id = `F${randomUUID().slice(0, 8).toUpperCase()}`;
        this.uploads.set(id, { bytes: Buffer.alloc(0), filename: String(args['filename']) });
        return this.json(res, 200, { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        if (outside) return this.json(res, 200, { ok: false, error: outside });
        const files = (typeof args['files'] === 'string' ? safeJson(args['files']) : args['files']) as Array<{ id: string; title?: string }>;
        const m = this.addMessage({ channel: String(args['channel_id']), ...(args['thread_ts'] ? { thread_ts: String(args['thread_ts']) } : {}), user: 'UBOT', files: files.map((f) => ({ id: f.id, name: this.uploads.get(f.id)?.filename, url_private_download: `${this.url}/files-pri/T1-${f.id}/download/x` })) });
        for (const f of files) this.shares.set(f.id, { channel: m.channel, ts: m.ts, isPrivate: !!known?.is_private || m.channel.startsWith('D') });
        // Slack answers the files' ids and titles only; where they were shared is files.info's business.
        return this.json(res, 200, { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? this.uploads.get(f.id)?.filename ?? '' })) });
      }
      case 'files.info': {
        const id = String(args['file'] ?? '');
        const upload = this.uploads.get(id);
        if (!upload) return this.json(res, 200, { ok: false, error: 'file_not_found' });
        const share = this.shares.get(id);
        const shares = share ? { [share.isPrivate ? 'private' : 'public']: { [share.channel]: [{ ts: share.ts, channel_name: share.channel.toLowerCase(), team_id: team, share_user_id: 'UBOT', reply_count: 0 }] } } : {};
        return this.json(res, 200, { ok: true, file: { id, name: upload.filename, title: upload.filename, mimetype: 'image/png', size: upload.size ?? upload.bytes.length, url_private: `${this.url}/files-pri/T1-${id}/${upload.filename ?? 'x'}`, shares } });
      }
      case 'apps.connections.open':
        return this.json(res, 200, { ok: true, url: `${this.url.replace('http', 'ws')}/socket` });
      case 'oauth.v2.access':
        this.tokens.set('xoxb-team2-token', 'T2');
        return this.json(res, 200, { ok: true, access_token: 'xoxb-team2-token', token_type: 'bot', scope: 'commands,chat:write', bot_user_id: 'UBOT2', app_id: 'A1', team: { id: 'T2', name: 'Second' }, enterprise: null, authed_user: { id: 'UINSTALLER' }, is_enterprise_install: false });
      default:
        return this.json(res, 200, { ok: false, error: 'unknown_method' });
    }
  }
}

const EMPTY = Buffer.alloc(0);

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Signs like Slack: v0=hex(HMAC_SHA256(secret, "v0:" + ts + ":" + body)). */
export function signSlackRequest(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${sig}` };
}
