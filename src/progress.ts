/**
 * Pure progress logic: where a job stands (from the provider's answers and the clock), how that
 * looks as a status message, and whether the change is worth an edit. Krea reports no percent,
 * so progress is estimated from elapsed time over the model's average completion time, capped
 * below 100 until the job really ends.
 */
import type { Charged, Cost, GenerationJob } from './generation.js';
import { timeToken, type Block, type Button, type MediaItem, type MessageView } from './view.js';

export type ProgressPhase =
  | 'confirm'
  | 'queued'
  | 'waiting'
  | 'uploading'
  | 'running'
  | 'preview'
  | 'retrying'
  | 'delivering'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export interface ProgressState {
  phase: ProgressPhase;
  percent?: number;
  /** The percentage is the bot's estimate from elapsed time, not the provider's (shown with ≈). */
  estimated?: boolean;
  /** Place in the workspace's line (1 = next), and how many jobs run meanwhile. */
  position?: number;
  running?: number;
  previewUrl?: string;
  etaSeconds?: number;
  /** A short note: failure reason, retry note, delivery note. */
  message?: string;
  cancelledBy?: string;
  outputCount?: number;
  /** Whether the provider charged (final states): "not billed" is said only when it is known. */
  charged?: Charged;
  cost?: Cost;
  /** The results as the platform hosts them (final state): shown on the card, each with its own buttons. */
  media?: MediaItem[];
  /** What Vary can honestly do with this model (see src/model-check.ts varyOptionsOf). */
  vary?: VaryOptions;
}

export interface VaryOptions {
  /** The model takes an input image: Vary re-runs from that image. */
  fromImage: boolean;
  /** …and has a documented denoising strength: Vary comes as subtle and strong. */
  strengths: boolean;
  /** The model takes a seed: "Vary (new seed)" is what it says. */
  seed: boolean;
}

export type StatusJob = Pick<GenerationJob, 'id' | 'request' | 'requester' | 'createdAt'> & { submittedAt?: number; estimate?: Cost; confirm?: GenerationJob['confirm'] };

const LABELS: Record<ProgressPhase, string> = {
  confirm: 'Waiting for the requester to confirm the cost',
  queued: 'Queued',
  waiting: 'Waiting for a free slot',
  uploading: 'Uploading inputs',
  running: 'Generating',
  preview: 'Preview ready, finishing',
  retrying: 'Provider busy, retrying',
  delivering: 'Delivering',
  succeeded: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const FINAL_PHASES: ReadonlySet<ProgressPhase> = new Set(['succeeded', 'failed', 'cancelled']);

/** Elapsed / average, eased so it slows near the end, never above 95 while running. */
export function estimatePercent(elapsedMs: number, averageSeconds: number | undefined): number {
  const avg = Math.max(1, averageSeconds ?? 30) * 1000;
  const x = elapsedMs / avg;
  const eased = x <= 1 ? x * 0.85 : 0.85 + 0.1 * (1 - Math.exp(-(x - 1)));
  return Math.max(1, Math.min(95, Math.round(eased * 100)));
}

const UNIT_NAMES: Record<Cost['unit'], string> = { usd: 'USD', credits: 'credits', compute_units: 'compute units' };

export function formatCost(cost: Cost): string {
  if (cost.unit === 'usd') return `$${cost.amount.toFixed(2)}`;
  const amount = cost.amount.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return `${amount} ${UNIT_NAMES[cost.unit]}${cost.usd !== undefined ? ` (~$${cost.usd.toFixed(2)})` : ''}`;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
}

/** What must differ for an edit to be worth sending: the seconds counter alone never is. */
export function stateKey(state: ProgressState): string {
  const bucket = state.percent === undefined ? '' : String(Math.floor(state.percent / 10));
  return [state.phase, bucket, state.position ?? '', state.previewUrl ?? '', state.message ?? ''].join('|');
}

function title(job: StatusJob): string {
  const r = job.request;
  const subject = r.prompt.trim() ? r.prompt.trim() : r.kind === 'video' ? 'Animation' : r.kind === 'enhance' ? 'Upscale' : 'Generation';
  const short = subject.length > 280 ? `${subject.slice(0, 279)}…` : subject;
  const what = r.kind === 'video' ? '🎬' : r.kind === 'enhance' ? '🔍' : '🎨';
  return `${what} **${short}**`;
}

const isVideoItem = (m: MediaItem) => (m.mimeType ? m.mimeType.startsWith('video/') : /\.(mp4|mov|webm)(\?|$)/i.test(m.url));

/**
 * The buttons of a final card: one row per image (Upscale, Vary, Animate acting on THAT image;
 * the button's arg is its index) and one row for the job (Retry with the same seed, Vary with a
 * new one, Remix, Delete). At most 4 + 1 rows of at most 5: within Discord's 5×5 and Slack's 25.
 */
function finalActions(job: StatusJob, state: ProgressState): Block[] {
  const kind = job.request.kind;
  const retry: Button = { label: 'Retry', action: 'retry', jobId: job.id };
  const remix: Button = { label: 'Remix', action: 'remix', jobId: job.id };
  const del: Button = { label: 'Delete', action: 'delete', jobId: job.id, style: 'danger' };
  const editable = kind === 'image' || kind === 'video';
  if (state.phase !== 'succeeded') return [{ type: 'actions', buttons: editable ? [retry, remix, del] : [retry, del] }];
  const rows: Block[] = [];
  if (kind === 'image') {
    const items = state.media?.length ? state.media : Array.from({ length: state.outputCount || 1 }, (): MediaItem | undefined => undefined);
    const many = items.length > 1;
    items.slice(0, 4).forEach((item, i) => {
      if (item && isVideoItem(item)) return;
      const n = many ? ` ${i + 1}` : '';
      const arg = String(i);
      const buttons: Button[] = [{ label: `Upscale${n}`, action: 'upscale', jobId: job.id, arg }];
      if (state.vary?.fromImage && state.vary.strengths) {
        buttons.push({ label: `Vary${n} (subtle)`, action: 'vary', jobId: job.id, arg: `${i}:subtle` });
        buttons.push({ label: `Vary${n} (strong)`, action: 'vary', jobId: job.id, arg: `${i}:strong` });
      } else if (state.vary?.fromImage) {
        buttons.push({ label: `Vary${n} (from image)`, action: 'vary', jobId: job.id, arg });
      }
      buttons.push({ label: `Animate${n}`, action: 'animate', jobId: job.id, arg, ...(many ? {} : { style: 'primary' as const }) });
      rows.push({ type: 'actions', buttons });
    });
  }
  const jobRow: Button[] = [retry];
  // Without a seed parameter every run differs anyway: the label does not promise a seed.
  if (editable) jobRow.push({ label: state.vary?.seed === false ? 'Vary' : 'Vary (new seed)', action: 'variations', jobId: job.id }, remix);
  jobRow.push(del);
  rows.push({ type: 'actions', buttons: jobRow });
  return rows;
}

export function renderStatusView(job: StatusJob, state: ProgressState, now: number): MessageView {
  const r = job.request;
  const final = FINAL_PHASES.has(state.phase);
  const fields = [
    { label: 'Model', value: `\`${r.modelId}\`` },
    { label: 'Requested by', value: `<@${job.requester.userId}>` },
  ];
  const shape = r.aspectRatio ?? (r.width && r.height ? `${r.width}×${r.height}` : undefined);
  if (shape) fields.push({ label: 'Size', value: shape });
  if (r.durationSeconds) fields.push({ label: 'Duration', value: `${r.durationSeconds}s` });
  if (r.seed !== undefined) fields.push({ label: 'Seed', value: String(r.seed) });
  if (r.count > 1) fields.push({ label: 'Outputs', value: String(r.count) });
  // Live without edits: each reader's client renders "2 minutes ago" / "in 30 seconds" itself.
  if (final) fields.push({ label: 'Took', value: formatDuration(now - job.createdAt) });
  else fields.push({ label: 'Started', value: timeToken(job.createdAt, 'relative') });
  if (!final && state.etaSeconds !== undefined && state.etaSeconds > 0) fields.push({ label: 'ETA', value: `~${timeToken(now + state.etaSeconds * 1000, 'relative')}` });
  if (state.phase === 'succeeded' && state.cost) fields.push({ label: 'Cost', value: formatCost(state.cost) });
  else if (!final && job.estimate) fields.push({ label: 'Est. cost', value: `~${formatCost(job.estimate)}` });

  const label =
    state.phase === 'waiting' && state.position
      ? `Waiting in line: #${state.position}${state.running ? ` (${state.running} running in this workspace)` : ''}`
      : state.phase === 'cancelled' && state.cancelledBy
        ? `Cancelled by <@${state.cancelledBy}>`
        : LABELS[state.phase];
  const percent = state.phase === 'succeeded' ? 100 : final ? undefined : state.percent;
  const blocks: Block[] = [
    { type: 'text', text: title(job) },
    { type: 'fields', fields },
    { type: 'progress', label, ...(percent !== undefined ? { percent } : {}), ...(percent !== undefined && state.estimated && !final ? { estimated: true } : {}) },
  ];
  if (state.previewUrl && !final) blocks.push({ type: 'image', url: state.previewUrl, alt: 'Preview' });
  if (state.phase === 'succeeded' && state.media?.length) blocks.push({ type: 'media', items: state.media.slice(0, 4) });
  const notes: string[] = [];
  if (state.message) notes.push(state.message);
  if (final && state.charged === 'no') notes.push(state.phase === 'cancelled' ? 'Cancelled jobs are not billed.' : 'Failed jobs are not billed.');
  if (state.phase === 'succeeded') notes.push(`Results are in the thread${state.outputCount ? ` (${state.outputCount})` : ''}.`);
  if (state.phase === 'confirm' && job.confirm) {
    notes.push(`This costs more than this workspace's confirmation threshold. <@${job.requester.userId}>, confirm by <time:${Math.floor(job.confirm.expiresAt / 1000)}:time>, or it is cancelled (nothing is spent until you confirm).`);
  }
  if (notes.length > 0) blocks.push({ type: 'context', text: notes.join(' ') });
  const cancel: Button = { label: 'Cancel', action: 'cancel', jobId: job.id, style: 'danger' };
  const live = state.phase === 'confirm' ? [{ label: 'Confirm', action: 'confirm' as const, jobId: job.id, style: 'primary' as const }, cancel] : [cancel];
  if (final) blocks.push(...finalActions(job, state));
  else blocks.push({ type: 'actions', buttons: live });

  const plain = `${label}: ${r.prompt.trim() || r.modelId}`;
  return { text: plain.length > 300 ? `${plain.slice(0, 299)}…` : plain, blocks };
}
