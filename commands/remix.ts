/**
 * Remix: the Remix button opens a form holding the job's prompt and flags as one editable line
 * (`a red fox at dawn --model … --ar 16:9 --seed 42`); submitting it runs the edited request in
 * the same thread, with the same input images. Forms are routed by id: `remix:<jobId>`.
 */
import { sizeForAspectRatio } from '../src/aspect-ratio.js';
import type { ModelInfo } from '../src/catalog.js';
import { parseCommandText } from '../src/command-text.js';
import { UserError } from '../src/errors.js';
import type { GenerationJob, GenerationRequest, ProviderId } from '../src/generation.js';
import type { SubmitInvocation } from '../src/invocation.js';
import type { FormSpec, Responder } from '../src/ports.js';
import { textView } from '../src/view.js';
import { commandHint } from './hints.js';
import { startedView } from './replies.js';
import { productFlagValues } from './krev-products.js';
import { resolveRequest } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { ASPECT_RATIOS, generateSpec } from './specs.js';
import { startGeneration } from './start-generation.js';

export const REMIX_FORM = 'remix';
/** The longest text a form field takes on every platform (Slack's plain_text_input: 3000). */
export const REMIX_MAX_LENGTH = 3000;

const GONE = 'That generation is no longer available (results are kept for a week). Start a new one with `/generate`.';

export function remixFormId(jobId: string): string {
  return `${REMIX_FORM}:${jobId}`;
}

/** The job a Remix form belongs to, or undefined for any other form. */
export function remixJobId(formId: string): string | undefined {
  const [form, jobId] = formId.split(/:(.*)/s);
  return form === REMIX_FORM && jobId ? jobId : undefined;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** A width×height request back to the `--ar` that makes it for this model (16:9 → 1360×768 → 16:9). */
function ratioOf(request: GenerationRequest, model: ModelInfo | undefined): string | undefined {
  if (request.aspectRatio) return request.aspectRatio;
  const { width, height } = request;
  if (!width || !height) return undefined;
  const size = model?.params.size;
  if (size) {
    const same = ASPECT_RATIOS.find((r) => {
      const dims = sizeForAspectRatio(r, size);
      return dims?.width === width && dims.height === height;
    });
    if (same) return same;
  }
  const d = gcd(width, height);
  return `${width / d}:${height / d}`;
}

/** The request as the command line that makes it again: prompt first, flags after, `--no` last (it is greedy). */
export function remixText(request: GenerationRequest, model: ModelInfo | undefined, defaultProvider: ProviderId): string {
  const parts = [request.prompt.trim()];
  if (request.kind === 'video') parts.push('--video');
  parts.push(`--model ${request.modelId}`);
  if (request.provider !== defaultProvider) parts.push(`--provider ${request.provider}`);
  const ratio = ratioOf(request, model);
  if (ratio) parts.push(`--ar ${ratio}`);
  if (request.count > 1) parts.push(`--n ${request.count}`);
  if (request.seed !== undefined) parts.push(`--seed ${request.seed}`);
  if (request.durationSeconds !== undefined) parts.push(`--duration ${request.durationSeconds}`);
  const resolution = request.params['resolution'];
  if (typeof resolution === 'string') parts.push(`--resolution ${resolution}`);
  if (request.styleId) parts.push(`--style ${request.styleId}`);
  // Krev products by id (names may have changed since); the flag runs to the next one.
  const products = request.params['product_ids'];
  if (Array.isArray(products) && products.length > 0) parts.push(`--product ${products.map(String).join(', ')}`);
  if (request.negativePrompt) parts.push(`--no ${request.negativePrompt}`);
  return parts.filter(Boolean).join(' ');
}

export async function remixForm(s: CommandServices, job: GenerationJob): Promise<{ form: FormSpec; text: string }> {
  const [model, settings] = await Promise.all([s.catalog.get(job.request.provider, job.request.modelId).catch(() => undefined), s.settings.get(job.workspace)]);
  const text = remixText(job.request, model, settings.defaultProvider);
  return {
    text,
    form: {
      id: remixFormId(job.id),
      title: 'Remix',
      submitLabel: 'Run',
      fields: [{ id: 'prompt', label: 'Prompt and flags', value: text, multiline: true, maxLength: REMIX_MAX_LENGTH }],
    },
  };
}

/** The Remix button: the form where the platform has one, else the command to copy and edit. */
export async function openRemix(s: CommandServices, job: GenerationJob, responder: Responder): Promise<void> {
  if (job.request.kind === 'enhance') throw new UserError('bad_value', 'An upscale has no prompt to remix. Use Retry instead.');
  const { form, text } = await remixForm(s, job);
  if (responder.openForm && text.length <= REMIX_MAX_LENGTH) return responder.openForm(form);
  await responder.reply(textView(`Edit this and send it to run it again:\n\`${commandHint(job.workspace.platform, 'generate', text)}\``), { ephemeral: true });
}

/** Route submissions whose form id starts with `remix:` here (see remixJobId). */
export function createRemixSubmitHandler(s: CommandServices) {
  return async function handleRemixSubmit(inv: SubmitInvocation, responder: Responder): Promise<void> {
    const jobId = remixJobId(inv.form);
    if (!jobId) return;
    const job = await s.queue.get(jobId);
    // A form id names a job of this workspace only: another workspace's id is simply unknown here.
    if (!job || job.workspace.platform !== inv.platform || job.workspace.workspaceId !== inv.workspaceId) throw new UserError('not_found', GONE);
    const text = (inv.values['prompt'] ?? '').trim();
    if (!text) throw new UserError('missing_value', 'The prompt was empty: describe what you want.');
    const args = parseCommandText(generateSpec, text);
    // The input images come along (a remix of a Vary keeps working from that image).
    const products = productFlagValues(text);
    const request = await resolveRequest(s, { workspace: job.workspace, args, attachments: job.request.inputs.map((i) => i.media), ...(products ? { products } : {}) });
    const conversation = job.thread ?? (job.placement?.kind === 'here' ? job.placement.conversation : inv.conversation);
    const started = await startGeneration(s, {
      invocationId: inv.id,
      workspace: job.workspace,
      actor: inv.actor,
      placement: { kind: 'here', conversation },
      request,
      parentJobId: job.id,
    });
    await responder.settle?.(startedView(started));
  };
}
