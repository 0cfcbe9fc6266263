/**
 * Results where people look, through the real Bolt app (HTTP mode) against the Slack fake, the
 * Krea simulator and the real pipeline: a --n 4 card showing the four uploaded files (slack_file
 * ids), a row of buttons per image acting on THAT image, a seed on every card, client-rendered
 * times, and Remix re-running an edited prompt.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { pngSize } from '../../jobs/media-files.js';
import { jobIdFor, type GenerationJob } from '../../src/generation.js';
import type { RunningBot } from '../../src/main/compose.js';
import { decodeButtonId } from '../../src/view.js';
import { FakeSlack, signSlackRequest, type SlackCall } from '../fakes/slack/server.js';
import { uniquePrefix } from '../helpers/redis-url.js';
import { startSlackTestBot } from '../helpers/platform-bot.js';

// Remix forms are routed as commands/routes.ts is asked to route them (`remix:<jobId>` → the Remix handler).
vi.mock('../../commands/routes.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../commands/routes.js')>();
  const { createRemixSubmitHandler, remixJobId } = await import('../../commands/remix.js');
  return {
    ...original,
    createRoutes: (...args: Parameters<typeof original.createRoutes>) => {
      const routes = original.createRoutes(...args);
      const remix = createRemixSubmitHandler(args[0]);
      return { ...routes, submit: (inv: Parameters<typeof routes.submit>[0], r: Parameters<typeof routes.submit>[1]) => (remixJobId(inv.form) ? remix(inv, r) : routes.submit(inv, r)) };
    },
  };
});

const SECRET = 'test-signing-secret';
let fake: FakeSlack;
let sim: KreaSimulator;
let bot: RunningBot;

type SlackBlock = { type: string; elements?: Array<{ action_id?: string; text?: { text: string } | string }>; slack_file?: { id: string }; image_url?: string; title?: { text: string }; fields?: Array<{ text: string }>; alt_text?: string };

async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function signedForm(fields: Record<string, string>) {
  const body = new URLSearchParams(fields).toString();
  return fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) }, body });
}

const slash = (text: string, trigger = `trig-${Math.random()}`) => ({
  command: '/generate', text, team_id: 'T1', channel_id: 'C1', user_id: 'UALICE', user_name: 'ualice', trigger_id: trigger, response_url: `${fake.url}/respond/${trigger}`, api_app_id: 'A1',
});

const blocksOf = (c: SlackCall) => (c.args['blocks'] ?? []) as SlackBlock[];
const statusPost = (prompt: string) => fake.callsTo('chat.postMessage').find((c) => JSON.stringify(c.args['blocks'] ?? '').includes(prompt) && JSON.stringify(c.args['blocks']).includes('gb1|cancel|'));
const updatesOf = (ts: string) => fake.callsTo('chat.update').filter((c) => c.args['ts'] === ts);
const finalOf = (ts: string) => updatesOf(ts).find((c) => JSON.stringify(c.args['blocks']).includes('gb1|remix|'));
const actionIds = (blocks: SlackBlock[]) => blocks.filter((b) => b.type === 'actions').map((b) => b.elements!.map((e) => e.action_id!));
const fieldText = (blocks: SlackBlock[]) => blocks.flatMap((b) => b.fields ?? []).map((f) => f.text).join('\n');

async function click(actionId: string, ts: string, trigger: string): Promise<void> {
  const payload = { type: 'block_actions', trigger_id: trigger, team: { id: 'T1' }, user: { id: 'UBOB', team_id: 'T1' }, channel: { id: 'C1' }, message: { ts }, container: { type: 'message', channel_id: 'C1', message_ts: ts }, response_url: `${fake.url}/respond/${trigger}`, actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }] };
  expect((await signedForm({ payload: JSON.stringify(payload) })).status).toBe(200);
}

/** The job a click started (its id comes from the click's trigger id). */
const jobOf = (trigger: string) => until(() => bot.queue.get(jobIdFor(`act:${trigger}`)));

beforeAll(async () => {
  fake = new FakeSlack();
  await fake.start();
  sim = await startKreaSimulator({ jobDurationMs: 700 });
  bot = await startSlackTestBot(fake, sim, { prefix: uniquePrefix('slack-results'), signingSecret: SECRET });
});
afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
});

describe('Slack: results on the card, per-image buttons, seeds, times, Remix', () => {
  let ts: string;
  let parent: GenerationJob;
  let final: SlackCall;

  it('a --n 4 card shows the four uploaded files by id, with a seed, live times and a row of buttons per image', async () => {
    await signedForm(slash('a red fox at dawn --ar 16:9 --n 4'));
    const status = await until(() => statusPost('a red fox at dawn'));
    ts = await until(() => fake.messages.find((m) => m.text === status.args['text'])?.ts);
    // A seed was picked (the model takes one) and is on the card from its first post.
    expect(fieldText(blocksOf(status))).toMatch(/\*Seed\*\n\d+/);
    // Started: a client-rendered relative time, no edit needed to keep it current.
    expect(fieldText(blocksOf(status))).toMatch(/\*Started\*\n<!date\^\d+\^\{ago\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>/);
    final = await until(() => finalOf(ts));
    const blocks = blocksOf(final);

    // Every upload: named from the prompt, with the prompt as alt text; the card shows exactly those files.
    const uploadCalls = fake.callsTo('files.getUploadURLExternal').filter((c) => String(c.args['filename']).startsWith('a-red-fox-at-dawn-'));
    expect(uploadCalls.map((c) => c.args['filename']).sort()).toEqual(['a-red-fox-at-dawn-1.png', 'a-red-fox-at-dawn-2.png', 'a-red-fox-at-dawn-3.png', 'a-red-fox-at-dawn-4.png']);
    expect(uploadCalls.every((c) => c.args['alt_text'] === 'a red fox at dawn')).toBe(true);
    const idByName = new Map([...fake.uploads.entries()].map(([id, u]) => [u.filename, id]));
    const images = blocks.filter((b) => b.type === 'image');
    expect(images.map((b) => b.slack_file?.id)).toEqual([1, 2, 3, 4].map((i) => idByName.get(`a-red-fox-at-dawn-${i}.png`)));
    expect(images.map((b) => b.title?.text)).toEqual(['Image 1', 'Image 2', 'Image 3', 'Image 4']);
    expect(images.every((b) => b.alt_text === 'a red fox at dawn' && !b.image_url)).toBe(true);

    // The simulator drew the size the card announces.
    expect(fieldText(blocks)).toContain('*Size*\n1360×768');
    for (const i of [1, 2, 3, 4]) expect(pngSize(fake.uploads.get(idByName.get(`a-red-fox-at-dawn-${i}.png`)!)!.bytes)).toEqual({ width: 1360, height: 768 });

    const rows = actionIds(blocks).map((r) => r.map((id) => decodeButtonId(id)!));
    expect(rows.map((r) => r.map((b) => `${b.action}${b.arg !== undefined ? `:${b.arg}` : ''}`))).toEqual([
      ['upscale:0', 'vary:0', 'animate:0'],
      ['upscale:1', 'vary:1', 'animate:1'],
      ['upscale:2', 'vary:2', 'animate:2'],
      ['upscale:3', 'vary:3', 'animate:3'],
      ['retry', 'variations', 'remix', 'delete'],
    ]);
    expect(JSON.stringify(blocks)).toContain('Vary 2 (from image)');
    expect(fieldText(blocks)).toMatch(/\*Seed\*\n\d+/);
    parent = (await bot.queue.get(rows[0]![0]!.jobId))!;
    expect(parent.outcome?.outputs).toHaveLength(4);
  });

  it('Upscale 3, Vary 2 and Animate 4 each start from THAT image, and the new cards show a seed where the model takes one', async () => {
    const ids = actionIds(blocksOf(final));
    await click(ids[2]![0]!, ts, 'up-3');
    await click(ids[1]![1]!, ts, 'vary-2');
    await click(ids[3]![2]!, ts, 'anim-4');
    const [upscale, vary, animate] = await Promise.all([jobOf('up-3'), jobOf('vary-2'), jobOf('anim-4')]);
    const url = (i: number) => parent.outcome!.outputs[i]!.url;
    expect(upscale.request).toMatchObject({ kind: 'enhance', inputs: [{ role: 'image', media: { url: url(2) } }] });
    expect(vary.request).toMatchObject({ kind: 'image', prompt: 'a red fox at dawn', count: 4, inputs: [{ role: 'image', media: { url: url(1) } }] });
    expect(vary.request.seed).not.toBe(parent.request.seed);
    expect(animate.request).toMatchObject({ kind: 'video', inputs: [{ role: 'start_image', media: { url: url(3) } }] });
    // Each follow-up's card is posted in the parent's thread; the seeded ones show their seed.
    const cards = await until(() => {
      const found = [upscale, vary].map((j) => fake.callsTo('chat.postMessage').find((c) => JSON.stringify(c.args['blocks'] ?? '').includes(`gb1|cancel|${j.id}|`)));
      return found.every(Boolean) ? (found as SlackCall[]) : undefined;
    });
    for (const card of cards) {
      expect(card.args['thread_ts']).toBe(ts);
      expect(fieldText(blocksOf(card))).toMatch(/\*Seed\*\n\d+/);
    }
  });

  it('Remix offers the prompt and flags to edit, and the edited form runs in the same thread', async () => {
    const ids = actionIds(blocksOf(final));
    await click(ids[4]![2]!, ts, 'remix-1');
    // The click opens a modal (views.open with the click's trigger_id), pre-filled with the prompt and flags.
    const opened = await until(() => fake.views.find((v) => v.trigger_id === 'remix-1'));
    expect(JSON.stringify(opened.view)).toContain(`a red fox at dawn --model image/bfl/flux-1-dev --ar 16:9 --n 4 --seed ${parent.request.seed}`);
    expect(opened.view['callback_id']).toBe(`gb1form|remix:${parent.id}`);

    const view = {
      id: 'VREMIX1', callback_id: `gb1form|remix:${parent.id}`, private_metadata: JSON.stringify({ channel: 'C1' }),
      state: { values: { prompt: { prompt: { type: 'plain_text_input', value: `a blue fox in snow --ar 16:9 --seed ${parent.request.seed}` } } } },
    };
    const res = await signedForm({ payload: JSON.stringify({ type: 'view_submission', team: { id: 'T1' }, user: { id: 'UBOB', team_id: 'T1' }, view }) });
    expect(res.status).toBe(200);
    const remixed = await until(() => bot.queue.get(jobIdFor('view:VREMIX1')));
    expect(remixed.request).toMatchObject({ prompt: 'a blue fox in snow', seed: parent.request.seed, width: 1360, height: 768, count: 1 });
    expect(remixed.parentJobId).toBe(parent.id);
    const card = await until(() => statusPost('a blue fox in snow'));
    expect(card.args['thread_ts']).toBe(ts);
  });
});
