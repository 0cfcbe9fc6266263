/**
 * The playground in Chromium: the status card shows its results inline (four of them for
 * --n 4, at the size the card announces), times the page keeps current, a seed, a row of buttons
 * per image acting on THAT image, and Remix opening a pre-filled form that re-runs the edited
 * prompt. Screenshots of the cards go to test-output/screenshots/ (copies kept in docs/screenshots/ for the README).
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningBot } from '../../src/main/compose.js';
import { decodeButtonId } from '../../src/view.js';
import { startLocalBot } from '../helpers/local-bot.js';

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

const SHOTS = 'test-output/screenshots';
let bot: RunningBot;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  bot = await startLocalBot();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  await page.goto(`${bot.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bot?.close();
});

async function sendCommand(text: string): Promise<void> {
  await page.getByTestId('composer-input').fill(text);
  await page.keyboard.press('Enter');
}

const card = (prompt: string): Locator => page.locator('[data-testid="message"][data-author="bot"]', { has: page.getByTestId('progress'), hasText: prompt }).first();
const jobIdOf = async (status: Locator, action: string) => decodeButtonId((await status.getByTestId(`button-${action}`).first().getAttribute('data-custom-id'))!)!.jobId;
const loadedSizes = (status: Locator) =>
  status.getByTestId('result-image').evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((i) => (i.complete ? `${i.naturalWidth}x${i.naturalHeight}` : 'loading')));

describe('the playground status card', () => {
  it('shows the result inline at the announced size, with a seed and times the page renders itself', async () => {
    await sendCommand('/generate a lighthouse at dusk --ar 16:9');
    const status = card('a lighthouse at dusk');
    // While it runs: "Started …" is a <time> the page keeps current, not text the bot edits.
    const started = status.locator('time[data-style="relative"]').first();
    await started.waitFor({ timeout: 10_000 });
    expect(await started.getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The card is re-rendered as the job moves: a screenshot can catch it mid-swap, so try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await status.screenshot({ path: `${SHOTS}/playground-status.png`, timeout: 2000 });
        break;
      } catch (err) {
        if (attempt >= 4) throw err;
      }
    }
    await expect.poll(() => status.getByTestId('progress-label').textContent(), { timeout: 20_000 }).toContain('Done');
    await expect.poll(() => loadedSizes(status), { timeout: 10_000 }).toEqual(['1360x768']);
    const text = (await status.textContent())!;
    expect(text).toMatch(/Seed\d+/);
    expect(text).toContain('1360×768');
    await status.screenshot({ path: `${SHOTS}/playground-result.png` });
  });

  it('help names the playground’s own commands and shows an example for each', async () => {
    await sendCommand('/help');
    const help = page.locator('[data-testid="message"][data-author="bot"]', { hasText: 'Make images and videos right here' }).last();
    await help.waitFor({ timeout: 10_000 });
    const text = (await help.textContent())!;
    expect(text).toContain('/generate');
    expect(text).toContain('/help generate');
    // The playground speaks its own syntax: no Discord slash-command options, no Slack mentions.
    expect(text).not.toMatch(/prompt:|@genbot/);
    await help.screenshot({ path: `${SHOTS}/playground-help.png` });
  });

  it('--n 4: four results on the card, each with its own buttons; Upscale 3 starts from image 3', async () => {
    await sendCommand('/generate a red fox at dawn --ar 16:9 --n 4');
    const status = card('a red fox at dawn');
    await expect.poll(() => status.getByTestId('progress-label').textContent(), { timeout: 30_000 }).toContain('Done');
    await expect.poll(() => loadedSizes(status), { timeout: 10_000 }).toEqual(['1360x768', '1360x768', '1360x768', '1360x768']);
    expect(await status.locator('figcaption').allTextContents()).toEqual(['1', '2', '3', '4']);
    expect(await status.getByTestId('button-upscale').count()).toBe(4);
    await status.screenshot({ path: `${SHOTS}/playground-n4.png` });

    const parent = (await bot.queue.get(await jobIdOf(status, 'retry')))!;
    await status.getByRole('button', { name: 'Upscale 3', exact: true }).click();
    const upscaleCard = page.locator('[data-testid="thread"] [data-testid="message"][data-author="bot"]', { has: page.getByTestId('progress'), hasText: 'Upscale' }).first();
    await upscaleCard.waitFor({ timeout: 10_000 });
    const upscale = (await bot.queue.get(await jobIdOf(upscaleCard, 'cancel').catch(async () => jobIdOf(upscaleCard, 'retry'))))!;
    expect(upscale.request.inputs[0]?.media.url).toBe(parent.outcome!.outputs[2]!.url);
    expect(upscale.parentJobId).toBe(parent.id);
  });

  it('Remix opens the prompt and flags pre-filled; the edited prompt runs in the same thread', async () => {
    const status = card('a red fox at dawn');
    const parent = (await bot.queue.get(await jobIdOf(status, 'retry')))!;
    await status.getByTestId('button-remix').click();
    const field = page.getByTestId('form-field-prompt');
    await field.waitFor({ timeout: 10_000 });
    expect(await field.inputValue()).toBe(`a red fox at dawn --model image/bfl/flux-1-dev --ar 16:9 --n 4 --seed ${parent.request.seed}`);
    await page.getByTestId('form').screenshot({ path: `${SHOTS}/playground-remix.png` });
    await field.fill(`a red fox in deep snow --ar 16:9 --seed ${parent.request.seed}`);
    await page.getByTestId('form-submit').click();
    const remixed = page.locator(`[data-testid="thread"][data-parent] [data-testid="message"][data-author="bot"]`, { has: page.getByTestId('progress'), hasText: 'a red fox in deep snow' }).first();
    await expect.poll(() => remixed.getByTestId('progress-label').textContent(), { timeout: 30_000 }).toContain('Done');
    const job = (await bot.queue.get(await jobIdOf(remixed, 'retry')))!;
    expect(job.request).toMatchObject({ prompt: 'a red fox in deep snow', seed: parent.request.seed, count: 1 });
    expect(job.parentJobId).toBe(parent.id);
  });
});
