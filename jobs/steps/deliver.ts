/**
 * deliver: a paid result is never thrown away. Each output is fetched and uploaded to the thread
 * once (progress saved after each); a 503 or a timeout is retried with backoff for hours, not
 * seconds; a file too big for the platform becomes a link; an output gone for good at the
 * provider is reported, not retried; and if the bot may no longer post in the channel, the
 * results go to the requester by DM. The job's deadline does not apply here.
 */
import { isAbortError, PlatformError, type PlatformAccessDetail } from '../../src/errors.js';
import { accessHint } from '../../src/hints.js';
import type { HostedMedia, JobResults, OutputMedia } from '../../src/generation.js';
import type { MediaFile, MediaRef, MessageRef } from '../../src/model.js';
import type { ChatPlatform } from '../../src/ports.js';
import { splitMessage } from '../../src/message-chunks.js';
import { textView } from '../../src/view.js';
import { isInfrastructureError, isRetryableFetch } from '../classify-error.js';
import { altText, outputFile, withSize } from '../media-files.js';
import type { StepResult, Turn } from './turn.js';

export const DEFAULT_DELIVERY_WINDOW_MS = 6 * 3600_000;
const MAX_DELIVERY_BACKOFF_MS = 5 * 60_000;

type Attempt = { kind: 'posted'; message?: MessageRef | undefined; media: MediaRef; hosted?: HostedMedia } | { kind: 'later'; err: unknown } | { kind: 'gone' } | { kind: 'forbidden'; access?: PlatformAccessDetail };

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

export async function deliver(turn: Turn): Promise<StepResult> {
  const results = turn.job.results;
  if (!results) return { kind: 'next', step: 'poll' }; // a version 1 job: poll once more to learn them
  const platform = await turn.platform();
  const thread = turn.job.thread!;
  await turn.show({ phase: 'delivering' });
  const limit = await platform.maxUploadBytes(thread, turn.runtime.stopping);

  const delivered = new Set(turn.job.delivered);
  const gone = new Set(turn.job.undeliverable);
  const finalOutputs: OutputMedia[] = [...results.outputs];
  let later: unknown;
  for (const [index, output] of results.outputs.entries()) {
    if (delivered.has(index) || gone.has(index)) continue;
    const attempt = await deliverOne(turn, platform, index, output, limit);
    if (attempt.kind === 'forbidden') return deliverByDm(turn, platform, results, attempt.access);
    if (attempt.kind === 'later') {
      later = attempt.err;
      continue;
    }
    if (attempt.kind === 'gone') gone.add(index);
    else {
      // The platform's copy is kept with the output: the final status card shows it.
      finalOutputs[index] = { ...attempt.media, ...(attempt.hosted ? { hosted: attempt.hosted } : {}) };
      delivered.add(index);
      if (attempt.message) await turn.deps.messageIndex.remember(attempt.message, { jobId: turn.job.id, role: 'result', requesterId: turn.job.requester.userId, media: [attempt.media] });
    }
    // Recorded right after each output: a re-run after a stall skips what is already posted. After
    // the last one nothing reaches the platform before the job's outcome is written, so that write
    // carries it (a crash in between finds the upload through `uploading`).
    const record = { delivered: [...delivered], undeliverable: [...gone], results: { ...results, outputs: finalOutputs }, uploading: undefined };
    const lastWork = index === results.outputs.length - 1 && later === undefined && !(results.text && !turn.job.textDelivered);
    if (lastWork) turn.handle.note(record);
    else await turn.handle.save(record);
  }

  if (later !== undefined) {
    const window = turn.deps.limits.deliveryWindowMs ?? DEFAULT_DELIVERY_WINDOW_MS;
    if (turn.now() - (turn.job.completedAt ?? turn.now()) < window) {
      turn.log.warn({ err: later, retries: turn.job.retries }, 'delivery will be retried');
      const ms = Math.min(MAX_DELIVERY_BACKOFF_MS, 2000 * 2 ** turn.job.retries);
      turn.handle.note({ retries: turn.job.retries + 1 });
      return { kind: 'wait', ms: Math.round(ms * turn.scale) };
    }
    // Hours of trying: hand over the provider's links rather than nothing.
    for (const [index, output] of results.outputs.entries()) {
      if (delivered.has(index) || gone.has(index)) continue;
      await platform.post(thread, textView(`Result ${index + 1} could not be uploaded here: [download it from the provider](${output.url}) while the link lasts.`), turn.runtime.stopping);
      delivered.add(index);
    }
    await turn.handle.save({ delivered: [...delivered] });
  }

  if (results.text && !turn.job.textDelivered) {
    // Long answers go as several messages, each recorded: a re-run after a crash posts none twice.
    const chunks = splitMessage(results.text);
    for (let i = turn.job.textChunksDelivered; i < chunks.length; i++) {
      await platform.post(thread, textView(chunks[i]!), turn.runtime.stopping);
      await turn.handle.save({ textChunksDelivered: i + 1 });
    }
    await turn.handle.save({ textDelivered: true });
  }
  return finish(turn, { ...results, outputs: finalOutputs.filter((_, i) => delivered.has(i)) }, gone.size);
}

async function deliverOne(turn: Turn, platform: ChatPlatform, index: number, output: MediaRef, limit: number): Promise<Attempt> {
  const { deps } = turn;
  const thread = turn.job.thread!;
  let fetched: MediaFile | undefined;
  try {
    fetched = await deps.fetchMedia(output, deps.limits.maxOutputBytes, turn.runtime.stopping);
  } catch (err) {
    if (isTooLarge(err)) fetched = undefined;
    // Stopping (SIGTERM) or a timeout is not the provider losing the file: try again, on this or another worker.
    else if (isRetryableFetch(err) || isInfrastructureError(err) || isAbortError(err) || turn.runtime.stopping.aborted) return { kind: 'later', err };
    else {
      turn.log.warn({ err, index }, 'an output is gone at the provider');
      return { kind: 'gone' };
    }
  }
  const media = fetched ? withSize(output, fetched) : output;
  try {
    if (!fetched || fetched.bytes.length > limit) return { kind: 'posted', media, message: await postLink(turn, platform, index, media) };
    const file = { ...outputFile(fetched.bytes, turn.job.request.prompt, index, media.mimeType), altText: altText(turn.job.request) };
    // An earlier turn began this upload and never recorded its end (a crash): it may be posted already.
    const began = turn.job.uploading?.index === index ? turn.job.uploading.startedAt : undefined;
    const found = began !== undefined ? await platform.findUpload?.(thread, file.name, began, turn.runtime.stopping) : undefined;
    if (found) {
      turn.log.info({ index }, 'the upload had gone through before a crash; adopting it');
      return { kind: 'posted', media, ...(found.media ? { hosted: found.media } : {}), message: found.message };
    }
    await turn.handle.save({ uploading: { index, startedAt: turn.now() } });
    const uploaded = await platform.upload(thread, [file], {}, turn.runtime.stopping);
    const hosted = uploaded.media[0];
    return { kind: 'posted', media, ...(hosted ? { hosted } : {}), message: uploaded.messages[0] };
  } catch (err) {
    if (err instanceof PlatformError && err.code === 'too_large') return { kind: 'posted', media, message: await postLink(turn, platform, index, media) };
    if (err instanceof PlatformError && (err.code === 'forbidden' || err.code === 'not_found')) return { kind: 'forbidden', ...(err.access ? { access: err.access } : {}) };
    if (err instanceof PlatformError && err.code === 'invalid_auth') throw err;
    return { kind: 'later', err };
  }
}

function isTooLarge(err: unknown): boolean {
  const e = err as { name?: unknown; reason?: unknown };
  return e?.name === 'TooLargeError' || e?.reason === 'too_large';
}

function postLink(turn: Turn, platform: ChatPlatform, index: number, media: MediaRef): Promise<MessageRef> {
  const size = media.sizeBytes ? ` (${mb(media.sizeBytes)})` : '';
  const note = `Result ${index + 1} is too large to upload here${size}: [download it](${media.url}). The link expires after a while, so save it.`;
  return platform.post(turn.job.thread!, { text: note, blocks: [{ type: 'text', text: note }] }, turn.runtime.stopping);
}

/** The bot may not post in the channel any more: the results go to the requester privately. */
async function deliverByDm(turn: Turn, platform: ChatPlatform, results: JobResults, access?: PlatformAccessDetail): Promise<StepResult> {
  const links = results.outputs.map((o, i) => `[result ${i + 1}](${o.url})`).join(', ');
  const what = accessHint(turn.job.workspace.platform, access ?? (turn.job.workspace.platform === 'slack' ? { reason: 'not_in_channel' } : undefined), 'there');
  const message = `I could not post your results in the channel (I was removed or lost access). Here they are while the links last: ${links}. ${what}`;
  try {
    await platform.directMessage(turn.job.workspace, turn.job.requester.userId, textView(message), turn.runtime.stopping);
  } catch (err) {
    turn.log.warn({ err }, 'could not send the results by DM either');
  }
  return { kind: 'end', outcome: { state: 'succeeded', message, outputs: results.outputs, charged: 'yes', reason: 'not_in_channel', ...(results.cost ? { cost: results.cost } : {}) } };
}

function finish(turn: Turn, results: JobResults, gone: number): StepResult {
  const notes: string[] = [];
  const missing = turn.job.missingBatches;
  if (missing > 0) notes.push(`${missing} of the requested results failed at the provider (those are not charged).`);
  if (gone > 0) notes.push(`${gone} result${gone === 1 ? '' : 's'} could not be downloaded from the provider.`);
  const message = notes.join(' ') || undefined;
  const base = { outputs: results.outputs, charged: 'yes' as const, ...(results.cost ? { cost: results.cost } : {}), ...(results.text ? { text: results.text } : {}), ...(message ? { message } : {}) };
  if (results.outputs.length === 0 && !results.text) {
    const failed = 'The provider finished (and charged) the job, but its files could no longer be downloaded. Please try again.';
    return { kind: 'end', outcome: { ...base, state: 'failed', message: failed, reason: 'outputs_gone' } };
  }
  return { kind: 'end', outcome: { ...base, state: 'succeeded' } };
}
