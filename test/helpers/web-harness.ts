/**
 * The web playground adapter alone on a loopback port, with a dispatcher the test scripts: what the
 * page does arrives as Invocations, what the test does through the ChatPlatform reaches the page.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createWebAdapter, type WebAdapter } from '../../adapters/web/router.js';
import type { WebEvent } from '../../adapters/web/store.js';
import type { Invocation } from '../../src/invocation.js';
import { silentLogger } from '../../src/logger.js';
import type { Responder } from '../../src/ports.js';

export type Script = (invocation: Invocation, responder: Responder, web: WebAdapter) => Promise<void> | void;

export interface WebHarness {
  url: string;
  web: WebAdapter;
  /** Every invocation the dispatcher received, in order. */
  received: Invocation[];
  nextInvocation(predicate?: (i: Invocation) => boolean, timeoutMs?: number): Promise<Invocation>;
  close(): Promise<void>;
}

export async function startWebHarness(options: { script?: Script; maxUploadBytes?: number } = {}): Promise<WebHarness> {
  const received: Invocation[] = [];
  const waiters: Array<{ predicate: (i: Invocation) => boolean; done: (i: Invocation) => void }> = [];
  let base = '';
  const web: WebAdapter = createWebAdapter({
    logger: silentLogger(),
    baseUrl: () => base,
    maxUploadBytes: options.maxUploadBytes ?? 1024 * 1024,
    dispatcher: {
      async dispatch(invocation, responder) {
        received.push(invocation);
        for (const w of waiters.splice(0)) {
          if (w.predicate(invocation)) w.done(invocation);
          else waiters.push(w);
        }
        await options.script?.(invocation, responder, web);
      },
    },
  });
  const app = express();
  app.use(web.router);
  const server = await new Promise<Server>((done) => {
    const s = app.listen(0, '127.0.0.1', () => done(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    web,
    received,
    nextInvocation(predicate = () => true, timeoutMs = 5000) {
      const seen = received.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no such invocation; got ${JSON.stringify(received.map((i) => i.kind))}`)), timeoutMs);
        waiters.push({ predicate, done: (i) => (clearTimeout(timer), done(i)) });
      });
    },
    async close() {
      web.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Reads the page's live feed the way EventSource does. */
export async function openFeed(url: string): Promise<{ next(predicate: (e: WebEvent) => boolean, timeoutMs?: number): Promise<WebEvent>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/events`, { signal: controller.signal });
  if (res.headers.get('content-type') !== 'text/event-stream') throw new Error('not an event stream');
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: WebEvent[] = [];
  let buffer = '';
  let wake: (() => void) | undefined;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (data) events.push(JSON.parse(data) as WebEvent);
      }
      wake?.();
    }
  })().catch(() => undefined);
  return {
    async next(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const i = events.findIndex(predicate);
        if (i >= 0) return events.splice(0, i + 1).at(-1)!;
        if (Date.now() > until) throw new Error(`no such event; got ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    },
    close: () => controller.abort(),
  };
}

/** A valid 8×8 PNG (orange), small enough to inline. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGO44GCAFTEMLQkAaplQARqfGIQAAAAASUVORK5CYII=', 'base64');
