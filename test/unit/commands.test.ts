/**
 * The commands through the real dispatcher, over in-memory ports: what users see and what gets
 * enqueued. (The same flows against real Redis, the simulator and platform fakes live in
 * test/integration/.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { productChoices } from '../../commands/autocomplete.js';
import { matchProducts, productFlagValues, splitProductNames } from '../../commands/krev-products.js';
import { createRoutes } from '../../commands/routes.js';
import type { CommandServices } from '../../commands/services.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText } from '../../src/command-text.js';
import { createDispatcher } from '../../src/dispatcher.js';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import type { Invocation } from '../../src/invocation.js';
import { silentLogger } from '../../src/logger.js';
import type { DedupeStore } from '../../src/ports.js';
import {
  directoryOf,
  MemoryCredentials,
  MemoryIndex,
  MemoryQueue,
  MemoryReactionLocks,
  MemorySettings,
  RecordingChat,
  RecordingResponder,
  staticCatalog,
} from '../helpers/memory-services.js';
import { allModels } from '../helpers/model-fixtures.js';

const W = { platform: 'slack' as const, workspaceId: 'T1' };
const CHANNEL = { ...W, channelId: 'C1' };
const ALICE = { userId: 'UALICE', isAdmin: false };
const BOB = { userId: 'UBOB', isAdmin: false };
const ADMIN = { userId: 'UADMIN', isAdmin: true };

function memoryDedupe(): DedupeStore {
  const seen = new Set<string>();
  return { claim: async (key) => (seen.has(key) ? false : (seen.add(key), true)) };
}

let queue: MemoryQueue;
let chat: RecordingChat;
let index: MemoryIndex;
let credentials: MemoryCredentials;
let dispatcher: Dispatcher;
let hasDefaultKey: boolean;
let locks: MemoryReactionLocks;

beforeEach(() => {
  queue = new MemoryQueue();
  chat = new RecordingChat();
  index = new MemoryIndex();
  credentials = new MemoryCredentials();
  locks = new MemoryReactionLocks();
  hasDefaultKey = true;
  const services: CommandServices = {
    queue,
    catalog: staticCatalog(allModels),
    platforms: directoryOf(chat),
    settings: new MemorySettings(),
    credentials,
    messageIndex: index,
    reactionLocks: locks,
    providers: { krea: { id: 'krea', displayName: 'Krea' } as never },
    hasDefaultCredentials: () => hasDefaultKey,
    canStoreCredentials: true,
    clock: { now: () => 1_000_000 },
    logger: silentLogger(),
    limits: { jobDeadlineMs: 30 * 60_000, maxInputBytes: 20 * 1024 * 1024 },
    randomSeed: () => 777,
  };
  const parsers = { fromText: parseCommandText, fromOptions: parseCommandOptions };
  dispatcher = createDispatcher({ routes: createRoutes(services, parsers), parsers, dedupe: memoryDedupe(), logger: silentLogger() });
});

function generate(text: string, id = 'trigger-1', extra: Partial<Invocation> = {}): Invocation {
  return { kind: 'command', id, platform: 'slack', workspaceId: 'T1', actor: ALICE, conversation: CHANNEL, receivedAt: 0, command: 'generate', text, attachments: [], ...extra } as Invocation;
}

describe('/generate', () => {
  it('enqueues one job placed in the channel; the job posts its own status message', async () => {
    const r = new RecordingResponder();
    await dispatcher.dispatch(generate('a red fox at dawn --ar 16:9 --seed 42'), r);
    expect(r.replies).toEqual([]);
    // Enqueue first: the status message (with its Cancel button) comes from the job's announce step.
    expect(chat.posts).toHaveLength(0);
    const [job] = [...queue.jobs.values()];
    expect(job?.step).toBe('announce');
    expect(job?.placement).toEqual({ kind: 'here', conversation: CHANNEL });
    expect(job?.request).toMatchObject({ provider: 'krea', modelId: 'image/bfl/flux-1-dev', prompt: 'a red fox at dawn', seed: 42 });
    // flux takes width/height only: 16:9 arrives as a landscape size.
    expect(job!.request.width! / job!.request.height!).toBeCloseTo(16 / 9, 1);
  });

  it('makes one job when the platform delivers the same command three times', async () => {
    for (let i = 0; i < 3; i++) await dispatcher.dispatch(generate('a red fox'), new RecordingResponder());
    expect(queue.jobs.size).toBe(1);
  });

  it('tells the user what an admin runs when no key is configured, and posts nothing', async () => {
    hasDefaultKey = false;
    const r = new RecordingResponder();
    await dispatcher.dispatch(generate('a red fox'), r);
    expect(r.replies[0]?.ephemeral).toBe(true);
    expect(r.text).toMatch(/No Krea API key is set up for this workspace yet\. An admin can add one with `\/genbot connect krea`/);
    expect(chat.posts).toHaveLength(0);
    expect(queue.jobs.size).toBe(0);
  });

  it('uses a key the workspace connected', async () => {
    hasDefaultKey = false;
    await credentials.set(W, 'krea', { apiKey: 'k-123' });
    await dispatcher.dispatch(generate('a red fox'), new RecordingResponder());
    expect(queue.jobs.size).toBe(1);
  });

  it('answers an unknown model with the closest ones', async () => {
    const r = new RecordingResponder();
    await dispatcher.dispatch(generate('a fox --model image/bfl/flux-1-devv'), r);
    expect(r.text).toContain('image/bfl/flux-1-dev');
    expect(queue.jobs.size).toBe(0);
  });

  it('refuses an attachment over the size limit before posting anything', async () => {
    const r = new RecordingResponder();
    const big = { url: 'https://files.slack.com/big.png', source: 'slack' as const, name: 'big.png', mimeType: 'image/png', sizeBytes: 31 * 1024 * 1024 };
    await dispatcher.dispatch(generate('make it blue', 't-big', { attachments: [big] } as Partial<Invocation>), r);
    expect(r.text).toBe('`big.png` is 31 MB; the limit is 20 MB. Try a smaller image.');
    expect(chat.posts).toHaveLength(0);
  });
});

describe('Cancel', () => {
  const status = { ...CHANNEL, messageId: 'status-1' };
  async function started() {
    await dispatcher.dispatch(generate('a red fox'), new RecordingResponder());
    const [job] = [...queue.jobs.values()];
    // What the job's announce step does: post the status message and index it.
    await index.remember(status, { jobId: job!.id, role: 'status', requesterId: job!.requester.userId, media: [] });
    return job!;
  }
  const click = (jobId: string, actor: typeof ALICE, id: string): Invocation =>
    ({ kind: 'action', id, platform: 'slack', workspaceId: 'T1', actor, conversation: CHANNEL, receivedAt: 0, action: { action: 'cancel', jobId }, message: status }) as Invocation;

  it('is refused to someone else and honoured for the requester and for an admin', async () => {
    const job = await started();
    const bob = new RecordingResponder();
    await dispatcher.dispatch(click(job.id, BOB, 'c1'), bob);
    expect(bob.text).toBe('Only <@UALICE> or an admin can cancel this.');
    expect(queue.cancels).toEqual([]);

    const alice = new RecordingResponder();
    await dispatcher.dispatch(click(job.id, ALICE, 'c2'), alice);
    expect(queue.cancels).toEqual([{ jobId: job.id, by: ALICE }]);
    expect(alice.settled[0]?.text).toMatch(/not billed/);

    await dispatcher.dispatch(click(job.id, ADMIN, 'c3'), new RecordingResponder());
    expect(queue.cancels.map((c) => c.by?.userId)).toEqual(['UALICE', 'UADMIN']);
  });

  it('works with the ❌ reaction on the status message', async () => {
    const job = await started();
    const react: Invocation = { kind: 'reaction', id: 'evt:x1', platform: 'slack', workspaceId: 'T1', actor: ALICE, conversation: CHANNEL, receivedAt: 0, emoji: 'x', message: status };
    await dispatcher.dispatch(react, new RecordingResponder());
    expect(queue.cancels.map((c) => c.jobId)).toEqual([job.id]);
  });
});

describe('🎬 reactions', () => {
  const image = { url: 'https://files.slack.com/files-pri/T1-F1/fox.png', source: 'slack' as const, name: 'fox.png', mimeType: 'image/png', sizeBytes: 1000 };
  const userMessage = { ...CHANNEL, messageId: '1700000000.000100' };
  let n = 0;
  const react = (actor: typeof ALICE): Invocation => ({
    kind: 'reaction', id: `evt:${++n}`, platform: 'slack', workspaceId: 'T1', actor, conversation: CHANNEL, receivedAt: 0, emoji: 'clapper', message: userMessage,
  });

  it("animates a user's image in that message's thread, with the image as the start image, once while it runs", async () => {
    chat.messageMedia.set(userMessage.messageId, [image]);
    await dispatcher.dispatch(react(ALICE), new RecordingResponder());
    await dispatcher.dispatch(react(BOB), new RecordingResponder());
    expect(queue.jobs.size).toBe(1);
    const [job] = [...queue.jobs.values()];
    expect(job?.request.kind).toBe('video');
    expect(job?.request.modelId).toBe('video/google/veo-3.1-fast');
    expect(job?.request.inputs).toEqual([{ role: 'start_image', media: image }]);
    expect(job?.placement).toEqual({ kind: 'thread-of', message: userMessage });
  });

  it('starts a new animation once the previous one has ended', async () => {
    chat.messageMedia.set(userMessage.messageId, [image]);
    await dispatcher.dispatch(react(ALICE), new RecordingResponder());
    const [first] = [...queue.jobs.values()];
    queue.jobs.set(first!.id, { ...first!, outcome: { state: 'failed', outputs: [], charged: 'no', finishedAt: 1 } });
    await dispatcher.dispatch(react(ALICE), new RecordingResponder());
    expect(queue.jobs.size).toBe(2);
  });

  it('a refused 🎬 holds nothing: once the key is connected, the same person can react again', async () => {
    chat.messageMedia.set(userMessage.messageId, [image]);
    hasDefaultKey = false;
    const refused = new RecordingResponder();
    await dispatcher.dispatch(react(ALICE), refused);
    expect(refused.text).toMatch(/No Krea API key/);
    expect(locks.locks.size).toBe(0);
    await credentials.set(W, 'krea', { apiKey: 'k-123' });
    await dispatcher.dispatch(react(ALICE), new RecordingResponder());
    expect(queue.jobs.size).toBe(1);
  });

  it("reads the bot's own results from the index, without a history call", async () => {
    const result = { ...CHANNEL, threadId: 'm1', messageId: 'r1' };
    await index.remember(result, { jobId: 'g-old', role: 'result', requesterId: 'UALICE', media: [image] });
    await dispatcher.dispatch({ ...react(BOB), message: result } as Invocation, new RecordingResponder());
    expect(chat.fetched).toEqual([]);
    expect([...queue.jobs.values()][0]?.request.inputs[0]?.media).toEqual(image);
  });

  it('ignores other emoji', async () => {
    await dispatcher.dispatch({ ...react(ALICE), emoji: 'tada', id: 'r-tada' } as Invocation, new RecordingResponder());
    expect(queue.jobs.size).toBe(0);
    expect(chat.fetched).toEqual([]);
  });
});

describe('who may do what (one permission model)', () => {
  const status = { ...CHANNEL, messageId: 'status-1' };
  const image = { url: 'https://files.slack.com/files-pri/T1-F1/out.png', source: 'slack' as const, name: 'out.png', mimeType: 'image/png', sizeBytes: 1000, width: 512, height: 512 };
  let n = 0;
  const click = (action: string, jobId: string, actor: typeof ALICE, arg?: string): Invocation =>
    ({ kind: 'action', id: `click-${++n}`, platform: 'slack', workspaceId: 'T1', actor, conversation: CHANNEL, receivedAt: 0, action: { action, jobId, ...(arg ? { arg } : {}) }, message: status }) as Invocation;
  async function finishedJobOfAlice() {
    await dispatcher.dispatch(generate('a red fox', `gen-${++n}`), new RecordingResponder());
    const job = [...queue.jobs.values()].at(-1)!;
    const done = { ...job, statusMessage: status, outcome: { state: 'succeeded' as const, outputs: [image], charged: 'yes' as const, finishedAt: 1 } };
    queue.jobs.set(job.id, done as typeof job);
    return done;
  }

  it('Delete: refused to a member who did not ask, done for an admin', async () => {
    const job = await finishedJobOfAlice();
    const bob = new RecordingResponder();
    await dispatcher.dispatch(click('delete', job.id, BOB), bob);
    expect(bob.text).toBe('Only <@UALICE> or an admin can delete this.');
    expect(chat.deleted).toEqual([]);
    const admin = new RecordingResponder();
    await dispatcher.dispatch(click('delete', job.id, ADMIN), admin);
    expect(chat.deleted).toEqual([status]);
    expect(admin.settled[0]?.text).toBe('Deleted.');
  });

  it('Retry, Variations, Upscale and Animate run as the person who clicked: the new job is theirs', async () => {
    const job = await finishedJobOfAlice();
    for (const action of ['retry', 'variations', 'upscale', 'animate']) {
      const before = new Set(queue.jobs.keys());
      const r = new RecordingResponder();
      await dispatcher.dispatch(click(action, job.id, BOB, action === 'upscale' || action === 'animate' ? '0' : undefined), r);
      const created = [...queue.jobs.values()].filter((j) => !before.has(j.id));
      expect(created, `${action}: ${r.text}`).toHaveLength(1);
      expect(created[0]!.requester).toEqual(BOB);
      expect(created[0]!.parentJobId).toBe(job.id);
    }
  });

  it('a provider key typed after the command is saved, and the answer says so and suggests the private form', async () => {
    const forms: unknown[] = [];
    const withForm = Object.assign(new RecordingResponder(), { openForm: async (f: unknown) => void forms.push(f) });
    await dispatcher.dispatch({ ...generate('', 'conn-1'), actor: ADMIN, command: 'connect', text: 'krea sk-live-abcd1234' } as Invocation, withForm);
    expect(await credentials.get(W, 'krea')).toEqual({ apiKey: 'sk-live-abcd1234' });
    expect(withForm.replies[0]?.ephemeral).toBe(true);
    expect(withForm.text).toContain('Saved: connected **Krea**');
    expect(withForm.text).toContain('key ending in `1234`');
    expect(withForm.text).not.toContain('sk-live-abcd1234');
    expect(withForm.text).toContain('run `/genbot connect krea` without the key: it opens a private form');
    expect(withForm.text).toMatch(/may be logged/);
    expect(forms).toEqual([]);
  });

  it('without a key, an admin gets the private form and a member a refusal (and no form)', async () => {
    const forms: Array<{ id: string }> = [];
    const responder = () => Object.assign(new RecordingResponder(), { openForm: async (f: { id: string }) => void forms.push(f) });
    const member = responder();
    await dispatcher.dispatch({ ...generate('', 'conn-2'), actor: BOB, command: 'connect', text: 'krea' } as Invocation, member);
    expect(member.text).toBe('Only workspace admins can connect a provider key.');
    expect(forms).toEqual([]);
    await dispatcher.dispatch({ ...generate('', 'conn-3'), actor: ADMIN, command: 'connect', text: 'krea' } as Invocation, responder());
    expect(forms.map((f) => f.id)).toEqual(['connect:krea']);
  });
});

describe('/animate --link', () => {
  const image = { url: 'https://files.slack.com/files-pri/T1-F9/cat.png', source: 'slack' as const, name: 'cat.png', mimeType: 'image/png', sizeBytes: 1000 };
  const link = (channel: string) => `https://fake.slack.com/archives/${channel}/p1700000001000100`;
  const animate = (channel: string, id: string): Invocation => ({ ...generate('', id), command: 'animate', text: `--link ${link(channel)}` }) as Invocation;
  let asked: Array<{ channelId: string; userId: string }>;
  let readable: boolean;
  beforeEach(() => {
    asked = [];
    readable = false;
    chat.messageMedia.set('1700000001.000100', [image]);
    chat.userCanRead = async (conversation, userId) => {
      asked.push({ channelId: conversation.channelId, userId });
      return readable;
    };
  });

  it('a message in the channel the command was typed in needs no permission lookup', async () => {
    await dispatcher.dispatch(animate('C1', 'anim-1'), new RecordingResponder());
    expect(asked).toEqual([]);
    expect(queue.jobs.size).toBe(1);
  });

  it('another channel the user can read works; one they cannot read is refused before anything is read from it', async () => {
    const refused = new RecordingResponder();
    await dispatcher.dispatch(animate('CSECRET', 'anim-2'), refused);
    expect(asked).toEqual([{ channelId: 'CSECRET', userId: 'UALICE' }]);
    expect(refused.text).toBe('I can only use a link to a message in this channel or in a channel you can read. Attach the image instead.');
    expect(chat.fetched).toEqual([]);
    expect(queue.jobs.size).toBe(0);

    // The same words for a channel that does not exist: nothing to learn by probing.
    const missing = new RecordingResponder();
    await dispatcher.dispatch(animate('CNOPE', 'anim-3'), missing);
    expect(missing.text).toBe(refused.text);

    readable = true;
    await dispatcher.dispatch(animate('COPEN', 'anim-4'), new RecordingResponder());
    expect(chat.fetched.map((m) => m.channelId)).toEqual(['COPEN']);
    expect(queue.jobs.size).toBe(1);
  });

  it("the bot's own results in an unreadable channel stay hidden too (the index is not read first)", async () => {
    await index.remember({ ...CHANNEL, channelId: 'CSECRET', messageId: '1700000001.000100' }, { jobId: 'g-secret', role: 'result', requesterId: 'UCAROL', media: [image] });
    const refused = new RecordingResponder();
    await dispatcher.dispatch(animate('CSECRET', 'anim-5'), refused);
    expect(refused.text).toMatch(/^I can only use a link/);
    expect(queue.jobs.size).toBe(0);
  });
});

describe('Krev products in text and autocomplete', () => {
  const products = [
    { id: 'd1e2f3a4-0000-4000-8000-000000000001', name: 'Leather Wallet', category: 'bags' },
    { id: 'd1e2f3a4-0000-4000-8000-000000000002', name: 'Crossbody Bag' },
    { id: 'd1e2f3a4-0000-4000-8000-000000000003', name: 'Mug' },
    { id: 'd1e2f3a4-0000-4000-8000-000000000004', name: 'Mug' },
  ];

  it('collects every --product of a text (the parser keeps only the last), each up to the next flag', () => {
    expect(productFlagValues('a bag --product Leather Wallet --ar 1:1 --products="Crossbody Bag"')).toEqual(['Leather Wallet', 'Crossbody Bag']);
    expect(productFlagValues('a bag —product "Leather Wallet, Mug" --n 2')).toEqual(['Leather Wallet, Mug']);
    expect(productFlagValues('a bag "--product x"')).toBeUndefined();
    expect(splitProductNames(['Leather Wallet, crossbody bag', 'leather wallet', ' '])).toEqual(['Leather Wallet', 'crossbody bag']);
  });

  it('matches names without regard to case, ids exactly, and refuses ambiguous names with their ids', () => {
    expect(matchProducts(['leather WALLET', products[1]!.id], products)).toEqual([products[0]!.id, products[1]!.id]);
    expect(() => matchProducts(['mug'], products)).toThrow('2 products in your Krev catalog are called “mug”. Give the id instead: `d1e2f3a4-0000-4000-8000-000000000003`, `d1e2f3a4-0000-4000-8000-000000000004`.');
    expect(() => matchProducts(['wallet'], products)).toThrow('No product called “wallet” in your Krev catalog. Closest: “Leather Wallet”. See them all with `<cmd:products>`.');
  });

  it('completes the last of comma-separated products (the others kept as typed); duplicate names complete to their ids', () => {
    expect(productChoices(products, 'leather wallet, c')).toEqual([{ name: 'Crossbody Bag · d1e2f3a4', value: 'leather wallet, Crossbody Bag' }]);
    expect(productChoices(products, 'mu').map((c) => c.value)).toEqual([products[2]!.id, products[3]!.id]);
    expect(productChoices(products, '')).toHaveLength(4);
  });
});
