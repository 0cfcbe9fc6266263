/**
 * src/linked-signal.ts: a call's signal follows the long-lived parent (a worker's shutdown) and its
 * own timeout, and once disposed it leaves nothing hooked on the parent.
 */
import { getEventListeners, setMaxListeners } from 'node:events';
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

  it('leaves no listener on the parent once the work ends, however it ends', async () => {
    const parent = new AbortController();
    setMaxListeners(0, parent.signal);
    await withLinkedSignal(parent.signal, 60_000, async () => 'done');
    await withLinkedSignal(parent.signal, 60_000, async () => {
      throw new Error('failed');
    }).catch(() => undefined);
    const many = Array.from({ length: 1000 }, () => linkedSignal(parent.signal, 60_000));
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1000);
    for (const l of many) l.dispose();
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });

  it('is aborted from the start under a parent already aborted', () => {
    const parent = new AbortController();
    parent.abort(new Error('gone'));
    expect(linkedSignal(parent.signal, 60_000).signal.aborted).toBe(true);
  });
});
