/**
 * The status card as a neutral view: live times as tokens, the seed, the results on the final
 * card with one row of buttons per image, and ids that fit every platform.
 */
import { describe, expect, it } from 'vitest';
import { renderDiscordMessage, DISCORD_LIMITS } from '../../adapters/discord/render.js';
import { renderSlackMessage, SLACK_LIMITS } from '../../adapters/slack/render.js';
import { finalProgress, mediaItemOf } from '../../jobs/steps/finalize.js';
import { jobIdFor, JobOutcome, type GenerationRequest } from '../../src/generation.js';
import { renderStatusView, type StatusJob } from '../../src/progress.js';
import { decodeButtonId, encodeButtonId, MAX_CUSTOM_ID_LENGTH, stripMarkdown, type ActionName, type Block, type Button } from '../../src/view.js';

const T0 = 1_767_225_600_000; // 2026-01-01 00:00 UTC
const request: GenerationRequest = { provider: 'krea', modelId: 'image/bfl/flux-1-dev', kind: 'image', prompt: 'a red fox at dawn', width: 1360, height: 768, count: 4, seed: 42, inputs: [], params: {} };
const job: StatusJob = { id: 'g-job-1', request, requester: { userId: 'UALICE', isAdmin: false }, createdAt: T0 };
const outputs = [0, 1, 2, 3].map((i) => ({ url: `https://cdn.krea.test/${i}.png`, source: 'provider' as const, mimeType: 'image/png', width: 1360, height: 768, hosted: { url: `https://files.slack.com/files-pri/T1-F${i}/a-red-fox-at-dawn-${i + 1}.png`, source: 'slack' as const, fileId: `F${i}`, mimeType: 'image/png' } }));
const outcome = JobOutcome.parse({ state: 'succeeded', outputs, charged: 'yes', finishedAt: T0 + 9000 });
const vary = { fromImage: true, strengths: false, seed: true };
const buttonsOf = (blocks: Block[]) => blocks.filter((b): b is Extract<Block, { type: 'actions' }> => b.type === 'actions').map((b) => b.buttons);
const fieldsOf = (blocks: Block[]) => Object.fromEntries(blocks.flatMap((b) => (b.type === 'fields' ? b.fields.map((f) => [f.label, f.value]) : [])));

describe('the status card', () => {
  it('while running: the seed, a client-rendered start time and ETA, an estimate marked as one', () => {
    const view = renderStatusView(job, { phase: 'running', percent: 40, estimated: true, etaSeconds: 30 }, T0 + 5000);
    const fields = fieldsOf(view.blocks);
    expect(fields).toMatchObject({ Seed: '42', Size: '1360×768', Outputs: '4', Started: `<time:${T0 / 1000}:relative>`, ETA: `~<time:${T0 / 1000 + 35}:relative>` });
    expect(view.blocks.find((b) => b.type === 'progress')).toEqual({ type: 'progress', label: 'Generating', percent: 40, estimated: true });
    // Plain-text readers get the UTC time.
    expect(stripMarkdown(fields['ETA']!)).toBe('~2026-01-01 00:00 UTC');
  });

  it('a preview is shown while the job finishes', () => {
    const view = renderStatusView(job, { phase: 'preview', previewUrl: 'https://cdn.krea.test/preview.png' }, T0);
    expect(view.blocks).toContainEqual({ type: 'image', url: 'https://cdn.krea.test/preview.png', alt: 'Preview' });
  });

  it('final: the four results shown from their hosted copies, a row of Upscale/Vary/Animate per image, then the job row', () => {
    const state = finalProgress(outcome, { alt: 'a red fox at dawn', vary });
    const view = renderStatusView(job, state, T0 + 9000);
    expect(view.blocks.find((b) => b.type === 'media')).toEqual({ type: 'media', items: outcomes() });
    const rows = buttonsOf(view.blocks);
    expect(rows.map((r) => r.map((b) => b.label))).toEqual([
      ['Upscale 1', 'Vary 1 (from image)', 'Animate 1'],
      ['Upscale 2', 'Vary 2 (from image)', 'Animate 2'],
      ['Upscale 3', 'Vary 3 (from image)', 'Animate 3'],
      ['Upscale 4', 'Vary 4 (from image)', 'Animate 4'],
      ['Retry', 'Vary (new seed)', 'Remix', 'Delete'],
    ]);
    expect(rows[2]!.map((b) => b.arg)).toEqual(['2', '2', '2']);
    expect(fieldsOf(view.blocks)).toMatchObject({ Seed: '42', Took: '9s' });
    // Within the platforms' limits as rendered.
    const slack = renderSlackMessage(view).blocks.filter((b) => b['type'] === 'actions');
    expect(slack.every((b) => (b['elements'] as unknown[]).length <= SLACK_LIMITS.actionsElements)).toBe(true);
    const discord = renderDiscordMessage(view);
    expect(discord.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
    expect(discord.components.flatMap((r) => r.components)).toHaveLength(16);
    expect(discord.embeds.map((e) => e.image.url)).toEqual(outputs.map((o) => o.hosted.url));

    function outcomes() {
      return outputs.map((o) => ({ url: o.hosted.url, originUrl: o.url, fileId: o.hosted.fileId, mimeType: 'image/png', width: 1360, height: 768, alt: 'a red fox at dawn' }));
    }
  });

  it('Vary says what it does: subtle/strong where a strength is documented, only a new seed where no image can go in', () => {
    const strengths = buttonsOf(renderStatusView({ ...job, request: { ...request, count: 1 } }, finalProgress({ ...outcome, outputs: outputs.slice(0, 1) }, { vary: { fromImage: true, strengths: true, seed: true } }), T0).blocks);
    expect(strengths.map((r) => r.map((b) => `${b.label}=${b.arg ?? ''}`))).toEqual([
      ['Upscale=0', 'Vary (subtle)=0:subtle', 'Vary (strong)=0:strong', 'Animate=0'],
      ['Retry=', 'Vary (new seed)=', 'Remix=', 'Delete='],
    ]);
    const seedOnly = buttonsOf(renderStatusView(job, finalProgress(outcome, { vary: { fromImage: false, strengths: false, seed: true } }), T0).blocks);
    expect(seedOnly[0]!.map((b) => b.label)).toEqual(['Upscale 1', 'Animate 1']);
    const noSeed = buttonsOf(renderStatusView(job, finalProgress(outcome, { vary: { fromImage: false, strengths: false, seed: false } }), T0).blocks);
    expect(noSeed.at(-1)!.map((b) => b.label)).toEqual(['Retry', 'Vary', 'Remix', 'Delete']);
    const failed = buttonsOf(renderStatusView(job, { phase: 'failed', message: 'Refused by the provider.' }, T0).blocks);
    expect(failed.map((r) => r.map((b) => b.label))).toEqual([['Retry', 'Remix', 'Delete']]);
  });

  it('a result delivered as a link is shown from the provider; without media (after refused edits) the buttons stay', () => {
    expect(mediaItemOf({ url: 'https://cdn.krea.test/big.mp4', source: 'provider', mimeType: 'video/mp4' }, 'waves')).toEqual({ url: 'https://cdn.krea.test/big.mp4', alt: 'waves', mimeType: 'video/mp4' });
    const bare = renderStatusView(job, finalProgress(outcome, { vary, media: false }), T0);
    expect(bare.blocks.some((b) => b.type === 'media')).toBe(false);
    expect(buttonsOf(bare.blocks)).toHaveLength(5);
  });
});

describe('button ids', () => {
  it('every action with the longest job id and the longest arg fits in 100 characters and decodes back', () => {
    const longest = jobIdFor('x'.repeat(300));
    const actions: Array<[ActionName, string | undefined]> = [['confirm', undefined], ['cancel', undefined], ['retry', undefined], ['variations', undefined], ['remix', undefined], ['delete', undefined], ['upscale', '3'], ['animate', '3'], ['vary', '3:strong'], ['vary', '3:subtle']];
    for (const [action, arg] of actions) {
      const button: Button = { action, jobId: longest, label: action, ...(arg ? { arg } : {}) };
      const id = encodeButtonId(button);
      expect(id.length, action).toBeLessThanOrEqual(MAX_CUSTOM_ID_LENGTH);
      expect(decodeButtonId(id)).toEqual({ action, jobId: longest, ...(arg ? { arg } : {}) });
    }
  });
});
