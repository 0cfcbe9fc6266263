/**
 * The buttons on status messages: Cancel and Confirm while a job runs; then per image Upscale,
 * Vary and Animate (their arg is the image's index), and for the job Retry (same seed), Vary with
 * a new seed (`variations`), Remix and Delete.
 */
import type { ActionInvocation } from '../src/invocation.js';
import { UserError } from '../src/errors.js';
import type { GenerationJob, GenerationRequest } from '../src/generation.js';
import { isImageMime, MediaRef } from '../src/model.js';
import { varyOptionsOf, varyParams, withSeed, type VaryStrength } from '../src/model-check.js';
import type { Responder } from '../src/ports.js';
import { textView } from '../src/view.js';
import { animateImage } from './animate.js';
import { canControl, onlyOwnerMessage } from './permissions.js';
import { startedView } from './replies.js';
import { openRemix } from './remix.js';
import { resolveModel } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { startGeneration } from './start-generation.js';

const GONE = 'That generation is no longer available (results are kept for a week). Start a new one with `/generate`.';

async function loadJob(s: CommandServices, jobId: string): Promise<GenerationJob> {
  const job = await s.queue.get(jobId);
  if (!job) throw new UserError('not_found', GONE);
  return job;
}

/** A per-image button's arg: the output's index, and for Vary optionally `:subtle` or `:strong`. */
export function parseOutputArg(arg: string | undefined): { index: number; strength?: VaryStrength } {
  const [first, second] = (arg ?? '0').split(':');
  const index = Number(first);
  const strength = second === 'subtle' || second === 'strong' ? second : undefined;
  return { index: Number.isInteger(index) && index >= 0 ? index : 0, ...(strength ? { strength } : {}) };
}

/** The output the button belongs to (as the provider made it; the platform copy is not needed to start from it). */
function outputImage(job: GenerationJob, arg: string | undefined): MediaRef {
  const output = job.outcome?.outputs[parseOutputArg(arg).index];
  const isImage = output && (output.mimeType ? isImageMime(output.mimeType) : !/\.(mp4|mov|webm)(\?|$)/i.test(output.url));
  if (!output || !isImage) throw new UserError('not_found', 'That result has no image to use yet. Wait until it is done.');
  return MediaRef.parse(output);
}

export async function cancelJob(s: CommandServices, job: GenerationJob, actor: ActionInvocation['actor'], responder: Responder): Promise<void> {
  if (!canControl(actor, job)) throw new UserError('forbidden', onlyOwnerMessage(job, 'cancel'));
  const result = await s.queue.requestCancel(job.id, actor);
  if (result === 'already_finished') {
    await responder.reply(textView('That job had already finished.'), { ephemeral: true });
  } else if (result === 'not_found') {
    throw new UserError('not_found', GONE);
  } else {
    await responder.settle?.(textView('Cancelling. Cancelled jobs are not billed.'));
  }
}

async function upscaleRequest(s: CommandServices, job: GenerationJob, image: MediaRef): Promise<GenerationRequest> {
  const settings = await s.settings.get(job.workspace);
  const model = await resolveModel(s, job.request.provider, settings.defaultUpscaleModel);
  const width = image.width ?? job.request.width ?? 1024;
  const height = image.height ?? job.request.height ?? 1024;
  const size = model.params.size;
  const clamp = (v: number, max?: number) => Math.max(1, Math.min(Math.round(v), max ?? v));
  // Topaz's schemas take the target size; 2x is the usual upscale.
  const params: Record<string, unknown> = {};
  const schema = model.inputSchema as { properties?: Record<string, { enum?: unknown[] }> } | undefined;
  const modelEnum = schema?.properties?.['model']?.enum;
  if (Array.isArray(modelEnum) && modelEnum.length > 0) params['model'] = modelEnum[0];
  const request: GenerationRequest = {
    provider: job.request.provider,
    modelId: model.id,
    kind: 'enhance',
    prompt: '',
    width: clamp(width * 2, size?.width.max),
    height: clamp(height * 2, size?.height.max),
    count: 1,
    inputs: [{ role: 'image', media: image }],
    params,
  };
  return withSeed(request, model, s.randomSeed);
}

/** Vary one image: image-to-image from it where the model takes an input image (subtle or strong where documented), else a new seed. */
async function varyRequest(s: CommandServices, job: GenerationJob, arg: string | undefined): Promise<GenerationRequest> {
  const model = await resolveModel(s, job.request.provider, job.request.modelId);
  const { seed: _seed, ...rest } = job.request;
  const fresh = withSeed(rest, model, s.randomSeed);
  if (!varyOptionsOf(model).fromImage) return fresh;
  const image = outputImage(job, arg);
  return { ...fresh, inputs: [{ role: 'image', media: image }], params: { ...job.request.params, ...varyParams(model, parseOutputArg(arg).strength) } };
}

/** The same request with a new seed (where the model takes one at all). */
async function variationsRequest(s: CommandServices, job: GenerationJob): Promise<GenerationRequest> {
  const model = await s.catalog.get(job.request.provider, job.request.modelId).catch(() => undefined);
  const { seed: _seed, ...rest } = job.request;
  return model ? withSeed(rest, model, s.randomSeed) : { ...rest, seed: s.randomSeed() };
}

export function createActionHandler(s: CommandServices) {
  return async function handleAction(invocation: ActionInvocation, responder: Responder): Promise<void> {
    const { action, jobId, arg } = invocation.action;
    const job = await loadJob(s, jobId);
    // Follow-ups land in the same thread as the job they come from.
    const conversation = job.thread ?? (job.placement?.kind === 'here' ? job.placement.conversation : invocation.conversation);
    const base = {
      invocationId: invocation.id,
      workspace: job.workspace,
      actor: invocation.actor,
      placement: { kind: 'here' as const, conversation },
      parentJobId: job.id,
    };
    switch (action) {
      case 'confirm': {
        // Only the person who asked confirms what they will spend (an admin can still Cancel).
        if (invocation.actor.userId !== job.requester.userId) throw new UserError('forbidden', `Only <@${job.requester.userId}> can confirm this.`);
        const result = await s.queue.confirm(job.id);
        if (result !== 'requested') throw new UserError('not_found', 'That generation has already ended.');
        return void (await responder.settle?.(textView('Confirmed: starting it now.')));
      }
      case 'cancel':
        return cancelJob(s, job, invocation.actor, responder);
      case 'retry': {
        const started = await startGeneration(s, { ...base, request: job.request });
        return void (await responder.settle?.(startedView(started)));
      }
      case 'variations': {
        const started = await startGeneration(s, { ...base, request: await variationsRequest(s, job) });
        return void (await responder.settle?.(startedView(started)));
      }
      case 'vary': {
        const started = await startGeneration(s, { ...base, request: await varyRequest(s, job, arg) });
        return void (await responder.settle?.(startedView(started)));
      }
      case 'remix':
        return openRemix(s, job, responder);
      case 'upscale': {
        const request = await upscaleRequest(s, job, outputImage(job, arg));
        const started = await startGeneration(s, { ...base, request });
        return void (await responder.settle?.(startedView(started)));
      }
      case 'animate': {
        const started = await animateImage(s, { ...base, image: outputImage(job, arg), args: {} });
        return void (await responder.settle?.(startedView(started)));
      }
      case 'delete': {
        if (!canControl(invocation.actor, job)) throw new UserError('forbidden', onlyOwnerMessage(job, 'delete'));
        const platform = await s.platforms.forWorkspace(job.workspace);
        if (!job.outcome) await s.queue.requestCancel(job.id, invocation.actor);
        if (job.statusMessage) await platform.delete(job.statusMessage);
        return void (await responder.settle?.(textView('Deleted.')));
      }
    }
  };
}
