/**
 * The playground in a real browser (Debian's Chromium, driven by playwright-core): a person
 * types a command, watches the progress bar, sees the image arrive in the thread, animates it,
 * and cancels another job. Screenshots go to test-output/playground/.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBot } from '../../src/main/compose.js';
import { startLocalBot } from '../helpers/local-bot.js';

const SHOTS = 'test-output/playground';
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
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
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

describe('the playground in a browser', () => {
  it('generate → progress → image in the thread → animate → video', async () => {
    await sendCommand('/generate a red fox at dawn --ar 16:9');
    const status = page.locator('[data-testid="message"][data-author="bot"]', { hasText: 'a red fox at dawn' }).first();
    await expect.poll(async () => status.getByTestId('progress').count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: `${SHOTS}/1-progress.png` });
    await expect.poll(async () => status.getByTestId('progress-label').textContent(), { timeout: 20_000 }).toContain('Done');
    const image = page.locator('[data-testid="thread"] [data-testid="image"]').first();
    await image.waitFor({ timeout: 10_000 });
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/2-result.png` });

    await status.getByTestId('button-animate').click();
    await page.locator('[data-testid="thread"] [data-testid="video"]').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/3-animated.png` });
  });

  it('generate → cancel', async () => {
    await sendCommand('/generate waves against a lighthouse --video');
    const status = page.locator('[data-testid="message"][data-author="bot"]', { hasText: 'waves against a lighthouse' }).first();
    await status.getByTestId('button-cancel').click({ timeout: 10_000 });
    await expect.poll(async () => status.getByTestId('progress-label').textContent(), { timeout: 20_000 }).toContain('Cancelled by');
    expect(await status.textContent()).toContain('not billed');
    await page.screenshot({ path: `${SHOTS}/4-cancelled.png` });
  });
});
