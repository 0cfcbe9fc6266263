/** Krev generations and chat runs → the neutral ProviderStatus; ad copy → neutral markdown. */
import { providerText } from '../../../src/errors.js';
import type { Cost, ProviderStatus } from '../../../src/generation.js';
import type { MediaRef } from '../../../src/model.js';
import { brokenResultLinks } from './errors.js';
import type { KrevAdCopy, KrevChatRun, KrevGeneration, KrevGenerationState } from './schemas.js';

export const STATE_TABLE: Record<KrevGenerationState, ProviderStatus['state']> = {
  queued: 'queued',
  processing: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
};

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime' };

const isHttpUrl = (u: string) => /^https?:\/\//i.test(u);
/** A link we can hand on: http(s), and one that parses (`http:// x` does not, and `new URL` throws on it). */
export const isResultUrl = (u: string) => isHttpUrl(u) && URL.canParse(u);

/** Call only with a URL that passed `isResultUrl`. */
export function mediaOf(url: string): MediaRef {
  const ext = new URL(url).pathname.split('.').pop()?.toLowerCase();
  return { url, source: 'provider', ...(ext && MIME[ext] ? { mimeType: MIME[ext] } : {}) };
}

function errorString(error: KrevGeneration['error']): string | undefined {
  const text = typeof error === 'string' ? error : error?.message;
  return text?.trim() || undefined;
}

/**
 * The media of a finished job: every link that parses is kept (each is a paid result). When
 * links came but none parses and there is no text either, nothing can be delivered: a retryable
 * error, since asking again may bring good links.
 */
function outputsOf(urls: string[], text: string | undefined): MediaRef[] {
  const usable = urls.filter(isResultUrl);
  if (usable.length === 0 && urls.some(isHttpUrl) && !text) throw brokenResultLinks();
  return usable.map(mediaOf);
}

/** A failed generation: Krev refunds its credits, so it is never billed. `error` is Krev's own text, shown only once made fit (providerText). */
export function failedStatus(providerState: string, error: string | undefined, what = 'this generation'): ProviderStatus {
  const said = error === undefined ? '' : providerText(error);
  const moderated = /moderat|safety|nsfw|policy/i.test(said);
  const reason = moderated ? 'Krev declined this prompt under its content policy. Try rewording it.' : `Krev could not finish ${what}${said ? `: ${said}` : ''}.`;
  return { state: 'failed', providerState, reason: `${reason} Krev refunds the credits of failed generations.`, retryable: false, billed: false };
}

/** The ad copy as a few labelled lines; undefined when Krev sent none. */
export function adCopyText(copy: KrevAdCopy | null | undefined): string | undefined {
  if (!copy) return undefined;
  const lines = [
    copy.headline ? `**${copy.headline.trim()}**` : undefined,
    copy.hook ? `_${copy.hook.trim()}_` : undefined,
    copy.body_copy?.trim(),
    copy.cta ? `**${copy.cta.trim()}** →` : undefined,
    copy.style_name ? `Style: ${copy.style_name.trim()}` : undefined,
  ].filter((l): l is string => !!l);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

export interface GenerationExtras {
  cost?: Cost;
  text?: string;
}

/** The generation as a ProviderStatus; a finished one with nothing deliverable but broken links is a retryable ProviderError. */
export function toProviderStatus(gen: KrevGeneration, extras: GenerationExtras = {}): ProviderStatus {
  switch (STATE_TABLE[gen.status]) {
    case 'queued':
      return { state: 'queued', providerState: gen.status };
    case 'running': {
      const p = gen.progress;
      return typeof p === 'number' && Number.isFinite(p) ? { state: 'running', providerState: gen.status, percent: Math.min(100, Math.max(0, Math.round(p))) } : { state: 'running', providerState: gen.status };
    }
    case 'succeeded': {
      const cost = extras.cost ?? (typeof gen.credits_used === 'number' ? { amount: gen.credits_used, unit: 'credits' as const } : undefined);
      const text = adCopyText(gen.ad_copy) ?? extras.text;
      return {
        state: 'succeeded',
        providerState: gen.status,
        outputs: outputsOf(gen.output?.urls ?? [], text),
        ...(cost ? { cost } : {}),
        ...(text ? { text } : {}),
      };
    }
    default:
      return failedStatus(gen.status, errorString(gen.error));
  }
}

/** Statuses a chat run may report; the docs name none, so these are the usual spellings. */
const CHAT_STATES: Record<string, ProviderStatus['state']> = {
  queued: 'queued',
  pending: 'queued',
  running: 'running',
  processing: 'running',
  in_progress: 'running',
  succeeded: 'succeeded',
  completed: 'succeeded',
  complete: 'succeeded',
  done: 'succeeded',
  failed: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

export const knownChatState = (status: string): boolean => status.toLowerCase() in CHAT_STATES;

function chatMediaUrls(run: KrevChatRun): string[] {
  const urls: string[] = [];
  for (const a of run.artifacts ?? []) urls.push(...(a.media_urls ?? []), ...(a.urls ?? []), ...(a.url ? [a.url] : []));
  for (const g of run.generations ?? []) urls.push(...(g.output?.urls ?? []));
  urls.push(...(run.media_urls ?? []));
  return [...new Set(urls.filter(isHttpUrl))];
}

function latestAssistantText(run: KrevChatRun): string | undefined {
  if (run.latest_assistant_text?.trim()) return run.latest_assistant_text.trim();
  const messages = [...(run.messages ?? run.transcript ?? [])].reverse();
  const last = messages.find((m) => m.role === 'assistant' && (m.content ?? m.text)?.trim());
  return (last?.content ?? last?.text)?.trim() || undefined;
}

/**
 * What the run's generations cost, when every record says (`credits_used` is undocumented on run
 * records, as on GET /generations); undefined otherwise, and the estimate stands.
 */
function chatCost(run: KrevChatRun): Cost | undefined {
  const gens = run.generations ?? [];
  const used = gens.map((g) => g.credits_used);
  if (gens.length === 0 || used.some((c) => typeof c !== 'number')) return undefined;
  return { amount: used.reduce((sum: number, c) => sum + (c as number), 0), unit: 'credits' };
}

/** Call only with a run whose status passed `knownChatState`. Throws like `toProviderStatus` for broken result links. */
export function chatRunStatus(run: KrevChatRun): ProviderStatus {
  const raw = (run.run?.status ?? run.status ?? '').toLowerCase();
  const text = latestAssistantText(run);
  switch (CHAT_STATES[raw]) {
    case 'queued':
      return { state: 'queued', providerState: raw };
    case 'running':
      return { state: 'running', providerState: raw };
    case 'succeeded': {
      const cost = chatCost(run);
      return { state: 'succeeded', providerState: raw, outputs: outputsOf(chatMediaUrls(run), text), ...(cost ? { cost } : {}), ...(text ? { text } : {}) };
    }
    case 'cancelled':
      return { state: 'cancelled', providerState: raw };
    default: {
      const failed = failedStatus(raw, errorString(run.run?.error ?? run.job?.error ?? run.error), 'this chat run');
      // Generations the run finished before it failed were charged; only the failed ones are refunded.
      return failed.state === 'failed' && chatMediaUrls(run).length > 0 ? { ...failed, billed: true } : failed;
    }
  }
}
