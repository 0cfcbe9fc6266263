/**
 * Operations endpoints: `/healthz` (the process answers), `/readyz` (Redis and each configured
 * platform answer), `/metrics` (Prometheus), and the BullMQ dashboard at `/admin/queues` behind
 * HTTP Basic auth with ADMIN_PASSWORD, off entirely (404) when no password is set: never open.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Registry } from 'prom-client';
import { scrubSecrets } from '../../src/logger.js';

export interface ReadinessCheck {
  name: string;
  check(signal: AbortSignal): Promise<void>;
}

export interface OpsRouterOptions {
  checks: ReadinessCheck[];
  registry: Registry;
  adminPassword?: string;
  queues?: Queue[];
  /** Per check; a check that ignores its signal still counts as failed when this passes. Default 3 s. */
  readinessTimeoutMs?: number;
}

export const ADMIN_PATH = '/admin/queues';

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** HTTP Basic auth on the password only (any user name), compared in constant time. */
export function basicAuth(password: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const given = decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : '';
    if (m && sameSecret(given, password)) return next();
    res.setHeader('www-authenticate', 'Basic realm="genbot admin", charset="UTF-8"');
    res.status(401).send('Authentication required');
  };
}

/** Credentials in URLs (redis://:pass@host) and tokens never reach a /readyz answer. */
function publicReason(err: unknown): string {
  const message = err instanceof Error ? err.message : 'failed';
  return scrubSecrets(message.replace(/\/\/[^/@\s]*@/g, '//***@')).slice(0, 200);
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ name: string; ok: boolean; error?: string }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      controller.abort();
      fail(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check.check(controller.signal), timeout]);
    return { name: check.name, ok: true };
  } catch (err) {
    return { name: check.name, ok: false, error: publicReason(err) };
  } finally {
    clearTimeout(timer);
  }
}

export function createOpsRouter(options: OpsRouterOptions): Router {
  const router = express.Router();
  const timeoutMs = options.readinessTimeoutMs ?? 3000;
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.all(options.checks.map((c) => runCheck(c, timeoutMs)));
    const ok = checks.every((r) => r.ok);
    res.setHeader('cache-control', 'no-store');
    res.status(ok ? 200 : 503).json({ ok, checks, ...(ok ? {} : { failed: checks.filter((c) => !c.ok).map((c) => c.name) }) });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  if (options.adminPassword) {
    const board = new ExpressAdapter();
    board.setBasePath(ADMIN_PATH);
    createBullBoard({ queues: (options.queues ?? []).map((q) => new BullMQAdapter(q)), serverAdapter: board });
    router.use(ADMIN_PATH, basicAuth(options.adminPassword), board.getRouter() as Router);
  } else {
    // Explicit, so a later catch-all route (e.g. a page) can never serve the dashboard path.
    router.use(ADMIN_PATH, (_req, res) => void res.status(404).json({ error: 'The queue dashboard is off: set ADMIN_PASSWORD to turn it on.' }));
  }
  return router;
}
