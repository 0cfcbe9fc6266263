/**
 * src/linked-signal.ts: a call's signal follows the long-lived parent (a worker's shutdown) and its
 * own timeout, and once disposed it is no longer tied to the parent (one listener on the parent serves every call).
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkedSignal, withLinkedSignal } from '../../src/linked-signal.js';

describe('linked signal', () => {
  it('aborts with the parent’s reason when the parent aborts', () => {
    const parent = new AbortController();
    const { signal } = linkedSignal(parent.signal, 60_000);
    parent.abort(new Error('stopping'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('stopping');
  });

  it('aborts with a TimeoutError after its timeout, as AbortSignal.timeout does', async () => {
    const { signal } = linkedSignal(new AbortController().signal, 20);
    await new Promise((r) => setTimeout(r, 60));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('hooks one listener on the parent however many calls run under it, and unhooks each call once it ends', async () => {
    const parent = new AbortController();
    await withLinkedSignal(parent.signal, 60_000, async () => 'done');
    let failedSignal: AbortSignal | undefined;
    await withLinkedSignal(parent.signal, 60_000, async (signal) => {
      failedSignal = signal;
      throw new Error('failed');
    }).catch(() => undefined);
    const many = Array.from({ length: 1000 }, () => linkedSignal(parent.signal, 60_000));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    for (const l of many.slice(0, 999)) l.dispose();
    parent.abort(new Error('stopping'));
    // Ended calls are no longer tied to the parent; the one still running is stopped with it.
    expect(many.slice(0, 999).some((l) => l.signal.aborted)).toBe(false);
    expect(failedSignal?.aborted).toBe(false);
    expect(many[999]!.signal.aborted).toBe(true);
    expect((many[999]!.signal.reason as Error).message).toBe('stopping');
  });

  it('is aborted from the start under a parent already aborted', () => {
    const parent = new AbortController();
    parent.abort(new Error('gone'));
    expect(linkedSignal(parent.signal, 60_000).signal.aborted).toBe(true);
  });
});
