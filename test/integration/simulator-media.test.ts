/**
 * An honest playground: the Krea simulator's results have the size and shape the status card
 * announces (the requested width×height, or about a megapixel of exactly the requested ratio),
 * videos come in the requested aspect, drawing stays fast, and a job lasts the model's average
 * time scaled like the bot's ETA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RESULT_SIDE, renderPng, resultSize, videoAssetFor } from '../../adapters/providers/krea/simulator/media.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { pngSize } from '../../jobs/media-files.js';

let sim: KreaSimulator;
beforeAll(async () => {
  sim = await startKreaSimulator({ jobDurationMs: 150 });
});
afterAll(() => sim?.close());

async function result(model: string, body: Record<string, unknown>): Promise<Buffer> {
  const headers = { authorization: 'Bearer sim', 'content-type': 'application/json' };
  const job = (await (await fetch(`${sim.url}/generate/${model}`, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as { job_id: string };
  for (let i = 0; i < 200; i++) {
    const state = (await (await fetch(`${sim.url}/jobs/${job.job_id}`, { headers })).json()) as { status: string; result?: { urls: string[] } };
    if (state.status === 'completed') return Buffer.from(await (await fetch(state.result!.urls[0]!)).arrayBuffer());
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('job did not complete');
}

/** Width and height of an MP4's first track (the tkhd box ends with them, 16.16 fixed point). */
function mp4Size(b: Buffer): { width: number; height: number } {
  const at = b.indexOf('tkhd', 0, 'latin1') - 4;
  const end = at + b.readUInt32BE(at);
  return { width: b.readUInt32BE(end - 8) >>> 16, height: b.readUInt32BE(end - 4) >>> 16 };
}

describe('the simulator draws what the card announces', () => {
  it('a width×height request comes back at that size (16:9 on flux: 1360×768)', async () => {
    expect(pngSize(await result('image/bfl/flux-1-dev', { prompt: 'a red fox', width: 1360, height: 768 }))).toEqual({ width: 1360, height: 768 });
  });

  it('an aspect-ratio request comes back in exactly that ratio, about a megapixel', async () => {
    const wide = pngSize(await result('image/google/nano-banana', { prompt: 'a red fox', aspect_ratio: '16:9' }))!;
    expect(wide).toEqual({ width: 1360, height: 765 });
    expect(wide.width * 9).toBe(wide.height * 16);
    expect(pngSize(await result('image/google/nano-banana', { prompt: 'a red fox', aspect_ratio: '9:16' }))).toEqual({ width: 765, height: 1360 });
  });

  it('a very large request is capped on its long side, keeping the exact ratio', () => {
    expect(resultSize(2368, 2368, undefined)).toEqual({ width: MAX_RESULT_SIDE, height: MAX_RESULT_SIDE });
    expect(resultSize(4096, 2048, undefined)).toEqual({ width: 1536, height: 768 });
    expect(resultSize(undefined, undefined, '21:9')).toEqual({ width: 1533, height: 657 });
  });

  it('draws a 16:9 result in under a tenth of a second, the largest in about that (best of three, on a busy machine)', () => {
    const best = (w: number, h: number) =>
      Math.min(...[0, 1, 2].map((i) => {
        const started = performance.now();
        expect(pngSize(renderPng(w, h, `timing ${i}`))).toEqual({ width: w, height: h });
        return performance.now() - started;
      }));
    expect(best(1360, 768)).toBeLessThan(100);
    expect(best(MAX_RESULT_SIDE, MAX_RESULT_SIDE)).toBeLessThan(250);
  });

  it('a video comes in the requested shape: 16:9, 9:16 or 1:1 (the nearest one otherwise)', async () => {
    expect(mp4Size(await result('video/kling/kling-1', { prompt: 'waves', aspect_ratio: '16:9' }))).toEqual({ width: 480, height: 270 });
    expect(mp4Size(await result('video/kling/kling-1', { prompt: 'waves', aspect_ratio: '9:16' }))).toEqual({ width: 270, height: 480 });
    expect(mp4Size(await result('video/kling/kling-1', { prompt: 'waves', aspect_ratio: '1:1' }))).toEqual({ width: 360, height: 360 });
    expect(videoAssetFor('21:9')).toBe('video-16x9.mp4');
    expect(videoAssetFor('4:5')).toBe('video-1x1.mp4');
    expect(videoAssetFor('720:1280')).toBe('video-9x16.mp4');
  });

  it('with msPerSecond, a job lasts the model’s published average at that speed', async () => {
    const timed = await startKreaSimulator({ msPerSecond: 100 });
    try {
      const headers = { authorization: 'Bearer sim', 'content-type': 'application/json' };
      const job = (await (await fetch(`${timed.url}/generate/image/bfl/flux-1-dev`, { method: 'POST', headers, body: JSON.stringify({ prompt: 'x' }) })).json()) as { job_id: string };
      // flux-1-dev's published average is 7 s: 700 ms here.
      expect(timed.jobs().find((j) => j.job_id === job.job_id)?.durationMs).toBe(700);
    } finally {
      await timed.close();
    }
  });

  it('draws a picture per prompt, and with oneImagePerSize (benchmarks) one picture per size for every job', async () => {
    const fox = await result('image/bfl/flux-1-dev', { prompt: 'a red fox', width: 512, height: 512 });
    const owl = await result('image/bfl/flux-1-dev', { prompt: 'an owl', width: 512, height: 512 });
    expect(fox.equals(owl)).toBe(false);
    const bench = await startKreaSimulator({ jobDurationMs: 150, oneImagePerSize: true });
    const previous = sim;
    try {
      sim = bench;
      const a = await result('image/bfl/flux-1-dev', { prompt: 'a red fox', width: 512, height: 512 });
      const b = await result('image/bfl/flux-1-dev', { prompt: 'an owl', width: 512, height: 512 });
      const wide = await result('image/bfl/flux-1-dev', { prompt: 'an owl', width: 1360, height: 768 });
      expect(a.equals(b)).toBe(true);
      expect(pngSize(wide)).toEqual({ width: 1360, height: 768 });
    } finally {
      sim = previous;
      await bench.close();
    }
  });
});
