/** Prometheus metrics (prom-client) behind the Metrics port. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '../../src/metrics-port.js';

export interface MetricsBundle {
  registry: Registry;
  metrics: Metrics;
  /** Queue depth is read at scrape time, not pushed. */
  setQueueDepthProvider(read: () => Promise<Record<string, number>>): void;
}

export function createMetrics(): MetricsBundle {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'genbot_process_' });
  const jobs = new Counter({ name: 'genbot_jobs_total', help: 'Generation jobs by provider, kind/state and event', labelNames: ['provider', 'state'], registers: [registry] });
  const durations = new Histogram({ name: 'genbot_job_duration_seconds', help: 'From request to final state', labelNames: ['provider', 'state'], buckets: [5, 10, 20, 30, 60, 120, 300, 600, 1800], registers: [registry] });
  const providerLatency = new Histogram({ name: 'genbot_provider_request_seconds', help: 'Provider API latency', labelNames: ['provider', 'operation', 'outcome'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10], registers: [registry] });
  const providerErrors = new Counter({ name: 'genbot_provider_errors_total', help: 'Provider answers that were errors', labelNames: ['provider', 'operation', 'outcome'], registers: [registry] });
  const platform429 = new Counter({ name: 'genbot_platform_rate_limited_total', help: 'Platform 429s', labelNames: ['platform', 'method'], registers: [registry] });
  const skipped = new Counter({ name: 'genbot_status_edits_skipped_total', help: 'Status edits not sent', labelNames: ['platform', 'reason'], registers: [registry] });
  let readDepth: (() => Promise<Record<string, number>>) | undefined;
  new Gauge({
    name: 'genbot_queue_jobs',
    help: 'Jobs in the queue by BullMQ state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!readDepth) return;
      const counts = await readDepth().catch(() => ({}) as Record<string, number>);
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });

  const metrics: Metrics = {
    jobStarted: (provider, kind) => jobs.inc({ provider, state: `started_${kind}` }),
    jobFinished: (provider, state, ms) => {
      jobs.inc({ provider, state });
      durations.observe({ provider, state }, ms / 1000);
    },
    providerCall: (provider, operation, outcome, ms) => {
      providerLatency.observe({ provider, operation, outcome }, ms / 1000);
      if (!/^2\d\d$/.test(outcome)) providerErrors.inc({ provider, operation, outcome });
    },
    platformRateLimited: (platform, method) => platform429.inc({ platform, method }),
    editSkipped: (platform, reason) => skipped.inc({ platform, reason }),
  };
  return { registry, metrics, setQueueDepthProvider: (read) => void (readDepth = read) };
}
