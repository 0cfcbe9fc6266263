/**
 * Results where people look, through the real discord.js client against the Discord fake, the
 * Krea simulator and the real pipeline: a --n 4 status message showing the four uploaded
 * attachments as one gallery (embeds sharing a url), a row of buttons per image acting on THAT
 * image, a seed on the card, <t:…> times, and a Remix form re-running an edited prompt.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { pngSize } from '../../jobs/media-files.js';
import { jobIdFor, type GenerationJob } from '../../src/generation.js';
import type { RunningBot } from '../../src/main/compose.js';
import { decodeButtonId } from '../../src/view.js';
import { APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, member, nextSnowflake, type FakeMessage } from '../fakes/discord/server.js';
import { uniquePrefix } from '../helpers/redis-url.js';
import { startDiscordTestBot } from '../helpers/platform-bot.js';

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

const ALICE = '200000000000000011';
const BOB = '200000000000000012';
let fake: FakeDiscord;
let sim: KreaSimulator;
let bot: RunningBot;

async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function interaction(data: Record<string, unknown>, user = ALICE, type = 2, extra: Record<string, unknown> = {}) {
  const id = nextSnowflake();
  fake.dispatch('INTERACTION_CREATE', {
    id, application_id: APP_ID, type, data, guild_id: GUILD_ID, channel_id: CHANNEL_ID,
    channel: { id: CHANNEL_ID, type: 0, guild_id: GUILD_ID, name: 'general' },
    member: member(user, '0'), token: `tok-${id}`, version: 1, app_permissions: '8', locale: 'en-US', entitlements: [], authorizing_integration_owners: {}, ...extra,
  });
  return id;
}

type Row = { components: Array<{ custom_id: string; label: string }> };
const rowsOf = (m: FakeMessage) => (m.components ?? []) as Row[];
const buttonWith = (m: FakeMessage, action: string, arg?: string) => rowsOf(m).flatMap((r) => r.components).find((b) => {
  const d = decodeButtonId(b.custom_id);
  return d?.action === action && d.arg === arg;
});
const clickOn = (m: FakeMessage, customId: string, user = BOB) =>
  interaction({ custom_id: customId, component_type: 2 }, user, 3, { message: { ...m, flags: 0, type: 0, mentions: [], mention_roles: [], pinned: false, tts: false, mention_everyone: false } });
const jobOf = (interactionId: string) => until(() => bot.queue.get(jobIdFor(`int:${interactionId}`)));

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  sim = await startKreaSimulator({ jobDurationMs: 700 });
  bot = await startDiscordTestBot(fake, sim, { prefix: uniquePrefix('discord-results') });
}, 30_000);

afterAll(async () => {
  await bot?.close();
  await sim?.close();
  await fake?.stop();
});

describe('Discord: results on the card, per-image buttons, seeds, times, Remix', () => {
  let status: FakeMessage;
  let parent: GenerationJob;

  it('a --n 4 card shows the four attachments as one gallery, with a seed, <t:…> times and a row of buttons per image', async () => {
    interaction({ id: '1', name: 'generate', type: 1, options: [{ name: 'prompt', type: 3, value: 'a red fox at dawn' }, { name: 'aspect_ratio', type: 3, value: '16:9' }, { name: 'count', type: 4, value: 4 }] });
    status = await until(() => [...fake.messages.values()].find((m) => m.author.bot && m.content.includes('a red fox at dawn') && JSON.stringify(m.components).includes('gb1|cancel|')));
    // A seed on the card from its first post, and a start time every client renders itself.
    expect(status.content).toMatch(/\*\*Seed\*\* \d+/);
    expect(status.content).toMatch(/\*\*Started\*\* <t:\d+:R>/);
    const thread = await until(() => fake.threads.get(status.id));
    const done = await until(() => {
      const m = fake.messages.get(status.id);
      return m && JSON.stringify(m.components).includes('gb1|remix|') ? m : undefined;
    });

    // The four uploads: named from the prompt, described by it, and exactly what the gallery shows.
    const uploads = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${thread}/messages` && c.files.length > 0);
    expect(uploads.map((c) => c.files[0]!.name).sort()).toEqual(['a-red-fox-at-dawn-1.png', 'a-red-fox-at-dawn-2.png', 'a-red-fox-at-dawn-3.png', 'a-red-fox-at-dawn-4.png']);
    expect(uploads.every((c) => (c.body?.['attachments'] as Array<{ description: string }>)[0]!.description === 'a red fox at dawn')).toBe(true);
    for (const c of uploads) expect(pngSize(c.files[0]!.bytes)).toEqual({ width: 1360, height: 768 });
    const attachmentUrl = (n: number) => [...fake.messages.values()].find((m) => m.channel_id === thread && m.attachments[0]?.['filename'] === `a-red-fox-at-dawn-${n}.png`)!.attachments[0]!['url'];
    const embeds = done.embeds as Array<{ url?: string; image: { url: string } }>;
    expect(embeds.map((e) => e.image.url)).toEqual([1, 2, 3, 4].map(attachmentUrl));
    expect(new Set(embeds.map((e) => e.url))).toEqual(new Set([attachmentUrl(1)]));
    expect(done.content).toContain('**Size** 1360×768');
    expect(done.content).toMatch(/\*\*Seed\*\* \d+/);

    const rows = rowsOf(done).map((r) => r.components.map((b) => b.label));
    expect(rows).toEqual([
      ['Upscale 1', 'Vary 1 (from image)', 'Animate 1'],
      ['Upscale 2', 'Vary 2 (from image)', 'Animate 2'],
      ['Upscale 3', 'Vary 3 (from image)', 'Animate 3'],
      ['Upscale 4', 'Vary 4 (from image)', 'Animate 4'],
      ['Retry', 'Vary (new seed)', 'Remix', 'Delete'],
    ]);
    status = done;
    parent = (await bot.queue.get(decodeButtonId(buttonWith(done, 'retry')!.custom_id)!.jobId))!;
  });

  it('Upscale 2, Vary 4 and Animate 1 each start from THAT image', async () => {
    const up = clickOn(status, buttonWith(status, 'upscale', '1')!.custom_id);
    const vary = clickOn(status, buttonWith(status, 'vary', '3')!.custom_id);
    const anim = clickOn(status, buttonWith(status, 'animate', '0')!.custom_id);
    const [upscale, varied, animate] = await Promise.all([jobOf(up), jobOf(vary), jobOf(anim)]);
    const url = (i: number) => parent.outcome!.outputs[i]!.url;
    expect(upscale.request).toMatchObject({ kind: 'enhance', inputs: [{ role: 'image', media: { url: url(1) } }] });
    expect(varied.request).toMatchObject({ kind: 'image', inputs: [{ role: 'image', media: { url: url(3) } }] });
    expect(varied.request.seed).not.toBe(parent.request.seed);
    expect(animate.request).toMatchObject({ kind: 'video', inputs: [{ role: 'start_image', media: { url: url(0) } }] });
    expect([upscale, varied, animate].map((j) => j.requester.userId)).toEqual([BOB, BOB, BOB]);
  });

  it('a Remix form submission runs the edited prompt in the same thread', async () => {
    const submit = interaction({ custom_id: `remix:${parent.id}`, components: [{ type: 1, components: [{ type: 4, custom_id: 'prompt', value: `a fox made of paper --ar 16:9 --seed ${parent.request.seed}` }] }] }, BOB, 5);
    const remixed = await jobOf(submit);
    expect(remixed.request).toMatchObject({ prompt: 'a fox made of paper', seed: parent.request.seed, width: 1360, height: 768 });
    expect(remixed.parentJobId).toBe(parent.id);
    const thread = fake.threads.get(status.id);
    await until(() => [...fake.messages.values()].find((m) => m.channel_id === thread && m.content.includes('a fox made of paper')));
  });
});
