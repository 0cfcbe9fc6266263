/**
 * A signal that aborts when `parent` does or after `timeoutMs`, unhooked from the parent and its
 * timer cleared the moment `dispose()` is called. Used instead of AbortSignal.any([parent,
 * AbortSignal.timeout(ms)]) for calls made under a long-lived signal (the worker's shutdown
 * signal): on Node 20 every such composite stays linked to the parent until a GC finds it
 * (nodejs/node#54614, #55351) and every AbortSignal.timeout keeps its timer for its whole span,
 * so a worker following thousands of jobs held tens of thousands of both.
 * The timeout aborts with a DOMException named TimeoutError, as AbortSignal.timeout does.
 */
export interface LinkedSignal {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * The children of each parent signal, aborted together by one listener on the parent: a worker's
 * shutdown signal has a call under it for every job in flight, and an EventTarget adds and removes
 * listeners by walking all of them, once per call each way.
 */
const children = new WeakMap<AbortSignal, Set<AbortController>>();

function childrenOf(parent: AbortSignal): Set<AbortController> {
  const known = children.get(parent);
  if (known) return known;
  const set = new Set<AbortController>();
  children.set(parent, set);
  parent.addEventListener(
    'abort',
    () => {
      for (const child of set) child.abort(parent.reason);
      set.clear();
    },
    { once: true },
  );
  return set;
}

export function linkedSignal(parent: AbortSignal | undefined, timeoutMs: number): LinkedSignal {
  const controller = new AbortController();
  if (parent?.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const siblings = parent ? childrenOf(parent) : undefined;
  siblings?.add(controller);
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      siblings?.delete(controller);
    },
  };
}

/** Runs `work` under a linked signal and disposes of it however `work` ends. */
export async function withLinkedSignal<T>(parent: AbortSignal | undefined, timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const linked = linkedSignal(parent, timeoutMs);
  try {
    return await work(linked.signal);
  } finally {
    linked.dispose();
  }
}
