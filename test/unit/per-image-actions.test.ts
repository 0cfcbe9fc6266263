/**
 * Midjourney-style per-image buttons, seeds and Remix through the real dispatcher over in-memory
 * ports: each button acts on THAT image, Vary says what it will do, Retry keeps the seed and
 * Variations does not, every seeded model gets a seed, Remix re-runs an edited prompt.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createRemixSubmitHandler, remixJobId, remixText } from '../../commands/remix.js';
import { createRoutes } from '../../commands/routes.js';
import type { CommandServices } from '../../commands/services.js';
import type { ModelInfo } from '../../src/catalog.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText } from '../../src/command-text.js';
import { createDispatcher } from '../../src/dispatcher.js';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import type { GenerationJob } from '../../src/generation.js';
import type { Invocation } from '../../src/invocation.js';
import { silentLogger } from '../../src/logger.js';
import type { FormSpec } from '../../src/ports.js';
import { directoryOf, MemoryCredentials, MemoryIndex, MemoryQueue, MemorySettings, RecordingChat, RecordingResponder, staticCatalog } from '../helpers/memory-services.js';
import { allModels, flux } from '../helpers/model-fixtures.js';

const W = { platform: 'slack' as const, workspaceId: 'T1' };
const CHANNEL = { ...W, channelId: 'C1' };
const ALICE = { userId: 'UALICE', isAdmin: false };
const BOB = { userId: 'UBOB', isAdmin: false };

// Shaped like Krea's z-image (a documented 0–1 denoising strength), imagen-4 (no input image) and nano-banana (no seed).
const zImage: ModelInfo = {
  ...flux,
  id: 'image/z-image/z-image',
  inputSchema: { properties: { prompt: {}, seed: {}, image_url: {}, denoising_strength: { minimum: 0, maximum: 1 } } },
  params: { ...flux.params, size: undefined, aspectRatios: ['1:1', '16:9'], imageInputs: { max: 1, required: false } },
};
const imagen: ModelInfo = { ...flux, id: 'image/google/imagen-4', inputSchema: { properties: { prompt: {}, seed: {}, width: {}, height: {} } }, params: { ...flux.params, imageInputs: { max: 0, required: false } } };
const banana: ModelInfo = { ...flux, id: 'image/google/nano-banana', inputSchema: { properties: { prompt: {}, image_urls: {}, aspect_ratio: {} } }, params: { ...flux.params, size: undefined, aspectRatios: ['1:1', '16:9'], seed: false } };

let queue: MemoryQueue;
let dispatcher: Dispatcher;
let seeds: number;

beforeEach(() => {
  queue = new MemoryQueue();
  seeds = 100;
  const services: CommandServices = {
    queue,
    catalog: staticCatalog([...allModels, zImage, imagen, banana]),
    platforms: directoryOf(new RecordingChat()),
    settings: new MemorySettings(),
    credentials: new MemoryCredentials(),
    messageIndex: new MemoryIndex(),
    providers: { krea: { id: 'krea', displayName: 'Krea' } as never },
    hasDefaultCredentials: () => true,
    canStoreCredentials: true,
    clock: { now: () => 1_000_000 },
    logger: silentLogger(),
    limits: { jobDeadlineMs: 30 * 60_000, maxInputBytes: 20 * 1024 * 1024 },
    randomSeed: () => ++seeds,
  };
  const parsers = { fromText: parseCommandText, fromOptions: parseCommandOptions };
  const routes = createRoutes(services, parsers);
  // The routing commands/routes.ts is asked to add: `remix:<jobId>` forms go to the Remix handler.
  const remix = createRemixSubmitHandler(services);
  dispatcher = createDispatcher({ routes: { ...routes, submit: (inv, r) => (remixJobId(inv.form) ? remix(inv, r) : routes.submit(inv, r)) }, parsers, dedupe: { claim: async () => true }, logger: silentLogger() });
});

let n = 0;
const generate = (text: string): Invocation => ({ kind: 'command', id: `gen-${++n}`, platform: 'slack', workspaceId: 'T1', actor: ALICE, conversation: CHANNEL, receivedAt: 0, command: 'generate', text, attachments: [] });
const click = (action: string, jobId: string, arg?: string, actor = BOB): Invocation =>
  ({ kind: 'action', id: `act-${++n}`, platform: 'slack', workspaceId: 'T1', actor, conversation: CHANNEL, receivedAt: 0, action: { action, jobId, ...(arg !== undefined ? { arg } : {}) }, message: { ...CHANNEL, messageId: 'status-1' } }) as Invocation;

const output = (i: number) => ({ url: `https://cdn.krea.test/results/job/${i}.png`, source: 'provider' as const, mimeType: 'image/png', width: 1360, height: 768, hosted: { url: `https://files.slack.com/files-pri/T1-F${i}/fox-${i}.png`, source: 'slack' as const, fileId: `F${i}` } });

async function finished(text: string): Promise<GenerationJob> {
  await dispatcher.dispatch(generate(text), new RecordingResponder());
  const job = [...queue.jobs.values()].at(-1)!;
  const done: GenerationJob = { ...job, thread: { ...CHANNEL, threadId: 'status-1' }, statusMessage: { ...CHANNEL, messageId: 'status-1' }, outcome: { state: 'succeeded', outputs: [0, 1, 2, 3].map(output).slice(0, job.request.count), charged: 'yes', finishedAt: 1 } };
  queue.jobs.set(job.id, done);
  return done;
}

async function run(invocation: Invocation, responder = new RecordingResponder()): Promise<GenerationJob> {
  const before = new Set(queue.jobs.keys());
  await dispatcher.dispatch(invocation, responder);
  const created = [...queue.jobs.values()].filter((j) => !before.has(j.id));
  expect(created, responder.text).toHaveLength(1);
  return created[0]!;
}

describe('seeds', () => {
  it('a model that takes a seed always gets one; --seed is kept; a model without seeds gets none', async () => {
    expect((await run(generate('a red fox'))).request.seed).toBe(101);
    expect((await run(generate('a red fox --seed 42'))).request.seed).toBe(42);
    expect((await run(generate('a red fox --model image/google/nano-banana'))).request.seed).toBeUndefined();
  });

  it('Retry reuses the seed; Variations picks a new one', async () => {
    const job = await finished('a red fox --seed 42 --n 4');
    expect((await run(click('retry', job.id))).request).toMatchObject({ seed: 42, count: 4, prompt: 'a red fox' });
    const varied = await run(click('variations', job.id));
    expect(varied.request.seed).not.toBe(42);
    expect(varied.request).toMatchObject({ count: 4, prompt: 'a red fox', inputs: [] });
  });
});

describe('per-image buttons act on that image', () => {
  it('Upscale 3, Vary 2 and Animate 4 of a --n 4 job start from images 3, 2 and 4', async () => {
    const job = await finished('a red fox --n 4 --seed 42');
    const upscale = await run(click('upscale', job.id, '2'));
    expect(upscale.request).toMatchObject({ kind: 'enhance', inputs: [{ role: 'image', media: { url: output(2).url } }], width: 2720, height: 1536 });
    // The input is the provider's file; the platform's copy (hosted) is not carried into the new job.
    expect(upscale.request.inputs[0]!.media).not.toHaveProperty('hosted');
    const vary = await run(click('vary', job.id, '1'));
    expect(vary.request).toMatchObject({ modelId: flux.id, prompt: 'a red fox', count: 4, inputs: [{ role: 'image', media: { url: output(1).url } }] });
    expect(vary.request.seed).not.toBe(42);
    const animate = await run(click('animate', job.id, '3'));
    expect(animate.request).toMatchObject({ kind: 'video', inputs: [{ role: 'start_image', media: { url: output(3).url } }] });
    expect([upscale, vary, animate].every((j) => j.parentJobId === job.id && j.requester.userId === BOB.userId)).toBe(true);
  });

  it('Vary subtle/strong sets the documented denoising strength; a model without image input varies by seed only', async () => {
    const z = await finished('a red fox --model image/z-image/z-image --n 2');
    expect((await run(click('vary', z.id, '1:subtle'))).request).toMatchObject({ inputs: [{ media: { url: output(1).url } }], params: { denoising_strength: 0.35 } });
    expect((await run(click('vary', z.id, '0:strong'))).request).toMatchObject({ inputs: [{ media: { url: output(0).url } }], params: { denoising_strength: 0.75 } });
    const plain = await finished('a red fox --model image/google/imagen-4 --seed 5');
    const varied = await run(click('vary', plain.id, '0'));
    expect(varied.request.inputs).toEqual([]);
    expect(varied.request.seed).not.toBe(5);
  });

  it('a button for an image that is not there says so', async () => {
    const job = await finished('a red fox');
    const r = new RecordingResponder();
    await dispatcher.dispatch(click('upscale', job.id, '3'), r);
    expect(r.text).toContain('That result has no image to use yet');
  });
});

describe('Remix', () => {
  it('turns the request back into the command that makes it (16:9 on a width/height model stays 16:9)', async () => {
    const job = await finished('a red fox --ar 16:9 --n 2 --seed 42');
    expect(remixText(job.request, flux, 'krea')).toBe('a red fox --model image/bfl/flux-1-dev --ar 16:9 --n 2 --seed 42');
    // `--no` is greedy: it goes last.
    expect(remixText({ ...job.request, negativePrompt: 'blurry, dark', styleId: 'st-1' }, flux, 'krev')).toBe('a red fox --model image/bfl/flux-1-dev --provider krea --ar 16:9 --n 2 --seed 42 --style st-1 --no blurry, dark');
    const video = (await run(generate('waves --video --duration 6'))).request;
    expect(remixText(video, undefined, 'krea')).toBe('waves --video --model video/google/veo-3.1-fast --duration 6');
  });

  it('opens a form with the prompt and flags, and the edited text runs in the same thread', async () => {
    const job = await finished('a red fox --ar 16:9 --seed 42');
    const forms: FormSpec[] = [];
    const withForm = Object.assign(new RecordingResponder(), { openForm: async (f: FormSpec) => void forms.push(f) });
    await dispatcher.dispatch(click('remix', job.id), withForm);
    expect(forms).toEqual([{ id: `remix:${job.id}`, title: 'Remix', submitLabel: 'Run', fields: [{ id: 'prompt', label: 'Prompt and flags', value: 'a red fox --model image/bfl/flux-1-dev --ar 16:9 --seed 42', multiline: true, maxLength: 3000 }] }]);
    const submit: Invocation = { kind: 'submit', id: 'view:V1', platform: 'slack', workspaceId: 'T1', actor: BOB, conversation: CHANNEL, receivedAt: 0, form: forms[0]!.id, values: { prompt: 'a blue fox in snow --ar 16:9 --seed 42' } };
    const remixed = await run(submit);
    expect(remixed.request).toMatchObject({ prompt: 'a blue fox in snow', seed: 42, width: job.request.width, height: job.request.height });
    expect(remixed).toMatchObject({ parentJobId: job.id, requester: BOB, placement: { kind: 'here', conversation: job.thread } });
  });

  it('where no form can open, the command to edit is offered; a form of another workspace finds nothing', async () => {
    const job = await finished('a red fox --seed 42');
    const r = new RecordingResponder();
    await dispatcher.dispatch(click('remix', job.id), r);
    expect(r.replies[0]?.ephemeral).toBe(true);
    expect(r.text).toContain('a red fox --model image/bfl/flux-1-dev --seed 42');
    const stranger = new RecordingResponder();
    await dispatcher.dispatch({ kind: 'submit', id: 'view:V2', platform: 'slack', workspaceId: 'T2', actor: BOB, conversation: { ...CHANNEL, workspaceId: 'T2' }, receivedAt: 0, form: `remix:${job.id}`, values: { prompt: 'steal' } }, stranger);
    expect(stranger.text).toContain('no longer available');
  });
});
