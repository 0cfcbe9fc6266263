/**
 * The playground's HTTP side: the page, a live feed (Server-Sent Events), and endpoints that turn
 * what the user does into the same Invocations Slack and Discord produce.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import type { Invocation } from '../../src/invocation.js';
import type { Logger } from '../../src/logger.js';
import { isImageMime, isVideoMime, type Actor, type ConversationRef, type MediaRef } from '../../src/model.js';
import { systemClock, type ChatPlatform, type Clock, type FormSpec, type Responder } from '../../src/ports.js';
import { decodeButtonId, encodeButtonId } from '../../src/view.js';
import { renderPage } from './page.js';
import { createWebPlatform, WEB_CHANNEL, WEB_WORKSPACE } from './platform.js';
import { WebChannelStore, type WebMessage } from './store.js';

export const LOCAL_USER: Actor = { userId: 'local-user', displayName: 'You', isAdmin: true };

export interface WebAdapterOptions {
  dispatcher: Dispatcher;
  logger: Logger;
  /** Absolute base URL the page is served from (file links must be absolute URLs). */
  baseUrl: () => string;
  /** Largest file the page may upload (an input for a generation). */
  maxUploadBytes: number;
  clock?: Clock;
}

export interface WebAdapter {
  router: Router;
  platform: ChatPlatform;
  store: WebChannelStore;
  close(): void;
}

const SendBody = z.object({ text: z.string().max(8000), threadId: z.string().max(64).optional(), files: z.array(z.string().max(64)).max(3).default([]) });
const ActionBody = z.object({ customId: z.string().max(100), messageId: z.string().max(64) });
const ReactBody = z.object({ messageId: z.string().max(64), emoji: z.string().max(40) });
const SubmitBody = z.object({ form: z.string().min(1).max(200), values: z.record(z.string().max(64), z.string().max(8000)).refine((v) => Object.keys(v).length <= 10) });

/** Buttons go to the page with their custom ids already encoded, exactly as Slack and Discord get them. */
export function toWire(message: WebMessage): WebMessage {
  if (!message.view) return message;
  const blocks = message.view.blocks.map((b) => (b.type === 'actions' ? { ...b, buttons: b.buttons.map((x) => ({ ...x, customId: encodeButtonId(x) })) } : b));
  return { ...message, view: { ...message.view, blocks } };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return 'upload';
  }
}

export function createWebAdapter(options: WebAdapterOptions): WebAdapter {
  const clock = options.clock ?? systemClock;
  const store = new WebChannelStore(500, () => clock.now());
  const platform = createWebPlatform(store, options.baseUrl, clock);
  const router = express.Router();
  const clients = new Set<Response>();
  const log = options.logger.child({ adapter: 'web' });

  const conversation = (threadId?: string): ConversationRef => ({ platform: 'web', workspaceId: WEB_WORKSPACE, channelId: WEB_CHANNEL, ...(threadId ? { threadId } : {}) });
  const base = (id: string, threadId?: string) => ({ id, platform: 'web' as const, workspaceId: WEB_WORKSPACE, actor: LOCAL_USER, conversation: conversation(threadId), receivedAt: clock.now() });
  const mediaOf = (message: WebMessage | undefined): MediaRef[] =>
    (message?.files ?? []).map((f) => ({ url: f.url, source: 'web', name: f.name, mimeType: f.mimeType, sizeBytes: f.size }));

  function responder(threadId?: string): Responder {
    return {
      async reply(view, opts) {
        store.upsert({ id: store.nextId('e'), channelId: WEB_CHANNEL, ...(threadId ? { threadId } : {}), author: 'bot', view, files: [], ephemeral: opts?.ephemeral ?? false, createdAt: clock.now() });
      },
      async settle() {
        // The status message says everything; nothing to close here.
      },
      async openForm(form: FormSpec) {
        // One local person: the open page(s) show the form; the answer comes back on /api/submit.
        const event = `data: ${JSON.stringify({ type: 'form', form })}\n\n`;
        for (const c of clients) c.write(event);
      },
    };
  }

  function dispatch(invocation: Invocation, threadId?: string): void {
    // Answer the browser first (like a platform ack); the dispatcher never throws.
    void options.dispatcher.dispatch(invocation, responder(threadId)).catch((err: unknown) => log.error({ err }, 'dispatch failed'));
  }

  router.get('/', (_req, res) => {
    res.type('html').send(renderPage());
  });
  router.get('/api/messages', (_req, res) => {
    res.json(store.all().map(toWire));
  });
  router.get('/api/events', (req: Request, res: Response) => {
    // x-accel-buffering: a reverse proxy (nginx) must not hold events back.
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    clients.add(res);
    const unsubscribe = store.subscribe((event) => res.write(`data: ${JSON.stringify(event.type === 'upsert' ? { ...event, message: toWire(event.message) } : event)}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      clients.delete(res);
    });
  });
  router.get('/files/:id/:name', (req, res) => {
    const found = store.file(String(req.params['id']));
    if (!found) return void res.status(404).json({ error: 'No such file' });
    res.setHeader('content-type', found.file.mimeType);
    res.setHeader('content-length', String(found.bytes.length));
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(Buffer.from(found.bytes));
  });

  router.post('/api/upload', express.raw({ type: () => true, limit: options.maxUploadBytes }), (req, res) => {
    const bytes = req.body as Buffer;
    const mime = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) return void res.status(400).json({ error: 'Empty file.' });
    if (!isImageMime(mime) && !isVideoMime(mime)) return void res.status(415).json({ error: 'Only images (PNG, JPEG, WebP, GIF) and videos can be attached.' });
    const name = safeDecode(String(req.headers['x-filename'] ?? 'upload'));
    const file = store.addFile(name, mime, new Uint8Array(bytes), options.baseUrl());
    res.json(file);
  });

  router.post('/api/send', express.json({ limit: '64kb' }), (req, res) => {
    const parsed = SendBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'Bad message.' });
    const { text, threadId, files: fileIds } = parsed.data;
    const files = fileIds.map((id) => store.file(id)?.file).filter((f): f is NonNullable<typeof f> => !!f);
    const message = store.upsert({ id: store.nextId('u'), channelId: WEB_CHANNEL, ...(threadId ? { threadId } : {}), author: 'user', text, files, createdAt: clock.now() });
    res.json({ id: message.id });
    const attachments = mediaOf(message);
    const trimmed = text.trim();
    const command = /^\/([a-z][\w-]*)\s*([\s\S]*)$/i.exec(trimmed);
    if (command) {
      dispatch({ ...base(message.id, threadId), kind: 'command', command: command[1]!.toLowerCase(), text: command[2] ?? '', attachments }, threadId);
      return;
    }
    const mention = /^@bot\b\s*([\s\S]*)$/i.exec(trimmed);
    if (mention) {
      const threadMedia = threadId ? store.all().filter((m) => m.threadId === threadId || m.id === threadId).flatMap(mediaOf) : [];
      dispatch({ ...base(message.id, threadId), kind: 'mention', text: mention[1] ?? '', attachments, message: { ...conversation(threadId), messageId: message.id }, threadMedia }, threadId);
    }
  });

  router.post('/api/action', express.json({ limit: '8kb' }), (req, res) => {
    const parsed = ActionBody.safeParse(req.body);
    const action = parsed.success ? decodeButtonId(parsed.data.customId) : undefined;
    const message = parsed.success ? store.get(parsed.data.messageId) : undefined;
    if (!parsed.success || !action || !message) return void res.status(400).json({ error: 'Unknown button.' });
    res.json({ ok: true });
    dispatch({ ...base(store.nextId('a'), message.threadId), kind: 'action', action, message: { ...conversation(message.threadId), messageId: message.id } }, message.threadId);
  });

  router.post('/api/submit', express.json({ limit: '64kb' }), (req, res) => {
    const parsed = SubmitBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: 'Bad form.' });
    res.json({ ok: true });
    dispatch({ ...base(store.nextId('s')), kind: 'submit', form: parsed.data.form, values: parsed.data.values });
  });

  router.post('/api/react', express.json({ limit: '8kb' }), (req, res) => {
    const parsed = ReactBody.safeParse(req.body);
    const message = parsed.success ? store.get(parsed.data.messageId) : undefined;
    if (!parsed.success || !message) return void res.status(400).json({ error: 'Unknown message.' });
    res.json({ ok: true });
    const emoji = parsed.data.emoji;
    dispatch(
      {
        ...base(`reaction:${WEB_CHANNEL}:${message.id}:${emoji}`, message.threadId),
        kind: 'reaction',
        emoji,
        message: { ...conversation(message.threadId), messageId: message.id },
        ...(message.files.length > 0 ? { media: mediaOf(message) } : {}),
      },
      message.threadId ?? message.id,
    );
  });

  // Body-parser errors (too large, malformed JSON) answer in JSON the page can show.
  router.use('/api', (err: { status?: number; type?: string }, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err.type === 'entity.too.large') return void res.status(413).json({ error: `That file is over the ${Math.round(options.maxUploadBytes / 1048576)} MB limit.` });
    if (err.status && err.status >= 400 && err.status < 500) return void res.status(err.status).json({ error: 'Bad request.' });
    next(err);
  });

  return {
    router,
    platform,
    store,
    close() {
      for (const c of clients) c.end();
      clients.clear();
    },
  };
}
