/**
 * Operations endpoints: `/healthz` (the process answers), `/readyz` (Redis and each configured
 * platform answer), `/metrics` (Prometheus), and the BullMQ dashboard at `/admin/queues` behind
 * HTTP Basic auth with ADMIN_PASSWORD, off entirely when no password is set.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  check(signal: AbortSignal): Promise<void>;
}

export interface OpsRouterOptions {
  checks: ReadinessCheck[];
  registry: Registry;
  adminPassword?: string;
  queues?: Queue[];
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

export function basicAuth(password: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(.+)$/i.exec(header);
    const given = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':').slice(1).join(':') : '';
    if (m && sameSecret(given, password)) return next();
    res.setHeader('www-authenticate', 'Basic realm="genbot admin", charset="UTF-8"');
    res.status(401).send('Authentication required');
  };
}

export function createOpsRouter(options: OpsRouterOptions): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.checks.map(async (c) => {
        try {
          await c.check(AbortSignal.timeout(3000));
          return { name: c.name, ok: true };
        } catch (err) {
          return { name: c.name, ok: false, error: err instanceof Error ? err.message.slice(0, 200) : 'failed' };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    res.status(ok ? 200 : 503).json({ ok, checks: results });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  if (options.adminPassword) {
    const board = new ExpressAdapter();
    board.setBasePath('/admin/queues');
    createBullBoard({ queues: (options.queues ?? []).map((q) => new BullMQAdapter(q)), serverAdapter: board });
    router.use('/admin/queues', basicAuth(options.adminPassword), board.getRouter() as Router);
  }
  return router;
}
