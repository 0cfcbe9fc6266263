/**
 * From parsed arguments to a validated GenerationRequest: picks provider and model (workspace
 * defaults), turns attachments and pasted image links into inputs, checks everything against
 * the model before anything is posted or spent, and picks a seed when the model takes one.
 */
import type { CommandArgs } from '../src/command.js';
import type { ModelInfo } from '../src/catalog.js';
import { UserError } from '../src/errors.js';
import { ProviderId, type GenerationInput, type GenerationRequest } from '../src/generation.js';
import { isImageMime, isVideoMime, MediaRef, type WorkspaceRef } from '../src/model.js';
import type { WorkspaceSettings } from '../src/ports.js';
import { buildGenerationRequest, checkModelKind, unknownModelError, withSeed } from '../src/model-check.js';
import { extractImageUrls } from '../src/prompt-media.js';
import { KREV_AGENT_MODEL_ID, resolveProducts, splitProductNames } from './krev-products.js';
import { findModel, providerDefault } from './model-lookup.js';
import type { CommandServices } from './services.js';

export interface RequestSource {
  workspace: WorkspaceRef;
  args: CommandArgs;
  /** Files that came with the invocation (and any attachment options). */
  attachments: MediaRef[];
  /** Force a kind: animate always wants video. */
  kind?: 'image' | 'video';
  /**
   * Every `--product` value of the command text (the parser keeps only the last of a repeated
   * flag); absent: `args.product` (a Discord option, or the one flag).
   */
  products?: string[];
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Attachments given as typed options (Discord) arrive in args; text commands bring them on the invocation. */
function attachmentsFromArgs(args: CommandArgs): MediaRef[] {
  const found: MediaRef[] = [];
  for (const value of Object.values(args)) {
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      const parsed = MediaRef.safeParse(item);
      if (parsed.success) found.push(parsed.data);
    }
  }
  return found;
}

export function checkInputs(media: MediaRef[], maxBytes: number): void {
  for (const m of media) {
    const name = m.name ? `\`${m.name}\`` : 'That file';
    if (m.sizeBytes !== undefined && m.sizeBytes > maxBytes) {
      throw new UserError('input_too_big', `${name} is ${formatMb(m.sizeBytes)}; the limit is ${formatMb(maxBytes)}. Try a smaller image.`);
    }
    if (m.mimeType && !isImageMime(m.mimeType) && !isVideoMime(m.mimeType)) {
      throw new UserError('input_unsupported', `${name} is a \`${m.mimeType}\` file; I can use PNG, JPEG, WebP, GIF or HEIC images.`);
    }
  }
}

export async function resolveModel(s: CommandServices, provider: ProviderId, modelId: string): Promise<ModelInfo> {
  const model = await s.catalog.get(provider, modelId);
  if (model) return model;
  const all = await s.catalog.list(provider);
  throw unknownModelError(modelId, all.map((m) => m.id));
}

/**
 * Which model a request goes to: `--model` names one on any provider (its id says which);
 * `--provider` alone takes that provider's first model of the kind; neither takes the workspace's
 * default for the kind (which may be on any provider).
 */
async function chooseModel(s: CommandServices, args: CommandArgs, wantsVideo: boolean, settings: WorkspaceSettings): Promise<ModelInfo> {
  const asked = typeof args['provider'] === 'string' && args['provider'] ? ProviderId.parse(args['provider']) : undefined;
  const named = typeof args['model'] === 'string' && args['model'].length > 0 ? args['model'] : undefined;
  if (named) return findModel(s, named, asked);
  const fallback = wantsVideo ? settings.defaultVideoModel : settings.defaultImageModel;
  if (asked) {
    const onProvider = await s.catalog.get(asked, fallback).catch(() => undefined);
    if (onProvider) return onProvider;
    const first = await providerDefault(s, asked, wantsVideo ? 'video' : 'image');
    if (!first) throw new UserError('bad_value', `${s.providers[asked]?.displayName ?? asked} has no ${wantsVideo ? 'video' : 'image'} model on this bot.`);
    return first;
  }
  return findModel(s, fallback);
}


export async function resolveRequest(s: CommandServices, source: RequestSource): Promise<GenerationRequest> {
  const { args, workspace } = source;
  const settings = await s.settings.get(workspace);
  const wantsVideo = source.kind === 'video' || args['video'] === true;
  const model = await chooseModel(s, args, wantsVideo, settings);
  const provider = model.provider;
  if (wantsVideo) checkModelKind(model, 'video');
  else if (source.kind === 'image') checkModelKind(model, 'image');

  const rawPrompt = typeof args['prompt'] === 'string' ? args['prompt'] : '';
  const { text: prompt, urls } = extractImageUrls(rawPrompt);
  const media: MediaRef[] = [
    ...source.attachments,
    ...attachmentsFromArgs(args),
    ...urls.map((url): MediaRef => ({ url, source: 'url' })),
  ];
  // The same file can arrive both as an attachment and as an option: keep one.
  const unique = media.filter((m, i) => media.findIndex((o) => o.url === m.url) === i);
  checkInputs(unique, s.limits.maxInputBytes);

  // Video: the first image is where the clip starts, others are references. Image: all are inputs.
  const roleOf = (i: number): GenerationInput['role'] => (model.kind === 'video' ? (i === 0 ? 'start_image' : 'reference') : 'image');
  const inputs: GenerationInput[] = unique.map((m, i) => ({ role: roleOf(i), media: m }));
  // Seeds always: a model that takes one gets one (the card shows it; Retry and --seed reproduce it).
  const request = withSeed(buildGenerationRequest({ ...args, prompt }, model, { provider, inputs }), model, s.randomSeed);
  if (model.id === KREV_AGENT_MODEL_ID && request.count > 1) {
    throw new UserError('bad_value', 'Krev’s agent works on one brief at a time; leave out `<flag:n>` (ask for several ideas in the brief itself).');
  }
  // Products last: naming them is a call to Krev, worth making only once everything else is right.
  const named = splitProductNames(source.products ?? (typeof args['product'] === 'string' ? [args['product']] : []));
  const productIds = await resolveProducts(s, workspace, model, named);
  return productIds.length > 0 ? { ...request, params: { ...request.params, product_ids: productIds } } : request;
}
