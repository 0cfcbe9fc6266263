/**
 * Waits for a platform call's slot from the CallPacer (src/ports.ts). A slot further off than
 * `maxWaitMs` is not taken, and the call fails as rate_limited carrying the wait, before the
 * platform is asked: the step that made it comes back later instead of waiting inside a worker.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformError } from './errors.js';
import type { WorkspaceRef } from './model.js';
import type { CallPacer, PaceRule } from './ports.js';

export async function paceCall(
  pacer: CallPacer,
  workspace: WorkspaceRef,
  call: string,
  rule: PaceRule,
  options: { maxWaitMs: number; keep?: number | undefined; signal?: AbortSignal | undefined; what: string; why: string },
): Promise<void> {
  const slot = await pacer.take(workspace, call, rule, { maxWaitMs: options.maxWaitMs, ...(options.keep ? { keep: options.keep } : {}) });
  if (!slot.taken) throw new PlatformError(workspace.platform, 'rate_limited', `${options.what}: held back ${slot.waitMs} ms ${options.why}`, slot.waitMs);
  if (slot.waitMs > 0) await sleep(slot.waitMs, undefined, options.signal ? { signal: options.signal } : {});
}
