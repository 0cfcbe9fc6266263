/**
 * What the product counts, as a port: jobs/ and adapters call these; adapters/ops implements them
 * with prom-client. `noopMetrics` for tests and tools that do not export metrics.
 */
export interface Metrics {
  jobStarted(provider: string, kind: string): void;
  jobFinished(provider: string, state: 'succeeded' | 'failed' | 'cancelled', durationMs: number): void;
  providerCall(provider: string, operation: string, outcome: string, latencyMs: number): void;
  platformRateLimited(platform: string, method: string): void;
  editSkipped(platform: string, reason: 'budget' | 'rate_limited' | 'unchanged' | 'paced'): void;
}

export const noopMetrics: Metrics = {
  jobStarted() {},
  jobFinished() {},
  providerCall() {},
  platformRateLimited() {},
  editSkipped() {},
};
