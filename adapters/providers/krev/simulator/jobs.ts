/**
 * Simulated generations and chat runs. Their state is a pure function of elapsed time (queued for
 * the first tenth, then processing with progress rising to 100), so reads need no timers, and the
 * credit balance can be computed at any instant: a generation that ended failed is refunded.
 */

export type SimKind = 'image' | 'video' | 'ad';

export interface SimGeneration {
  id: string;
  kind: SimKind;
  body: Record<string, unknown>;
  createdAt: number;
  durationMs: number;
  fails: boolean;
  failReason?: string;
  credits: number;
  /** Images the generation makes (1 for a video). */
  outputs: number;
  /** The PNG shape of results. */
  aspectRatio: string;
  adCopy?: Record<string, string>;
}

export interface SimChatRun {
  id: string;
  conversationId: string;
  jobId: string;
  userMessageId: string;
  assistantMessageId: string;
  message: string;
  agent: string;
  productIds: string[];
  generationId: string;
  createdAt: number;
  durationMs: number;
}

export type GenerationStatus = 'queued' | 'processing' | 'succeeded' | 'failed';

export function stateOf(gen: Pick<SimGeneration, 'createdAt' | 'durationMs' | 'fails'>, now: number): { status: GenerationStatus; progress: number } {
  const f = gen.durationMs <= 0 ? 1 : (now - gen.createdAt) / gen.durationMs;
  if (f >= 1) return gen.fails ? { status: 'failed', progress: 0 } : { status: 'succeeded', progress: 100 };
  if (f < 0.1) return { status: 'queued', progress: 0 };
  return { status: 'processing', progress: Math.min(99, Math.max(1, Math.round(((f - 0.1) / 0.9) * 100))) };
}

export const endOf = (gen: Pick<SimGeneration, 'createdAt' | 'durationMs'>) => gen.createdAt + Math.max(0, gen.durationMs);

/** Credits still taken by a generation at `now`: all of them unless it ended failed (refunded). */
export const chargedAt = (gen: SimGeneration, now: number) => (stateOf(gen, now).status === 'failed' ? 0 : gen.credits);

export function resultUrls(gen: SimGeneration, origin: string): string[] {
  if (gen.kind === 'video') return [`${origin}/storage/gen/${gen.id}.mp4`];
  return Array.from({ length: gen.outputs }, (_, i) => `${origin}/storage/gen/${gen.id}_${i}.png`);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** GET /generations/{id}, as documented (plus `ad_copy` for ads, which the docs show only on POST /ads). */
export function generationJson(gen: SimGeneration, origin: string, now: number): Record<string, unknown> {
  const { status, progress } = stateOf(gen, now);
  const done = status === 'succeeded' || status === 'failed';
  return {
    id: gen.id,
    kind: gen.kind,
    status,
    progress,
    output: status === 'succeeded' ? { urls: resultUrls(gen, origin) } : null,
    error: status === 'failed' ? (gen.failReason ?? 'Generation failed') : null,
    created_at: iso(gen.createdAt),
    completed_at: done ? iso(endOf(gen)) : null,
    ...(gen.kind === 'ad' && status === 'succeeded' && gen.adCopy ? { ad_copy: gen.adCopy } : {}),
  };
}

/** Ad copy that echoes the brief, so a test can tell one ad from another. */
export function adCopyFor(brief: string, style: string | undefined): Record<string, string> {
  const subject = brief.replace(/\s+/g, ' ').trim().slice(0, 40);
  return {
    style_name: style ? `Style ${style}` : 'Performance Master',
    hook: 'Built for long days',
    headline: `Meet ${subject}`,
    body_copy: `Made for people who want more from ${subject}.`,
    cta: 'Shop now',
  };
}

/**
 * GET /chat/runs/{id}. Krev documents only what the answer contains, not its shape; this shape
 * is the simulator's guess, the one client.ts assumes.
 */
export function chatRunJson(run: SimChatRun, gen: SimGeneration | undefined, origin: string, now: number): Record<string, unknown> {
  const state = gen ? stateOf(gen, now) : { status: 'failed' as const, progress: 0 };
  const status = state.status === 'queued' ? 'queued' : state.status === 'processing' ? 'running' : state.status;
  const done = status === 'succeeded' || status === 'failed';
  const urls = gen && status === 'succeeded' ? resultUrls(gen, origin) : [];
  const text = status === 'succeeded' ? agentAnswer(run.message) : null;
  const messages: Array<Record<string, unknown>> = [{ id: run.userMessageId, role: 'user', content: run.message, created_at: iso(run.createdAt) }];
  if (text) messages.push({ id: run.assistantMessageId, role: 'assistant', content: text, created_at: iso(endOf(run)) });
  return {
    run: { id: run.id, status, error: status === 'failed' ? (gen?.failReason ?? 'Run failed') : null, created_at: iso(run.createdAt), completed_at: done ? iso(endOf(run)) : null },
    job: { id: run.jobId, status },
    conversation_id: run.conversationId,
    latest_assistant_text: text,
    messages,
    artifacts: urls.length > 0 ? [{ id: `${run.id}-a0`, type: 'image', generation_id: run.generationId, media_urls: urls }] : [],
    generation_ids: [run.generationId],
    generations: gen ? [generationJson(gen, origin, now)] : [],
  };
}

/** The simulated agent's answer; asked for detail, it writes at length (several thousand characters), as the real one can. */
function agentAnswer(message: string): string {
  const short = `Here is an image concept for “${message.slice(0, 60)}”. Want variations or a video next?`;
  if (!/in detail/i.test(message)) return short;
  const concept = (n: number) => `Concept ${n}: ${'a warm, sunlit scene with the product in the foreground, a soft background, and a headline that names one clear benefit. '.repeat(4).trim()}`;
  return [short, ...Array.from({ length: 12 }, (_, i) => concept(i + 1))].join('\n\n');
}
