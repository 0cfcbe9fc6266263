/** Arguments against a model: sizes for width/height-only models, and messages naming what is allowed. */
import { describe, expect, it } from 'vitest';
import { generateSpec } from '../../commands/specs.js';
import { sizeForAspectRatio } from '../../src/aspect-ratio.js';
import { parseCommandText } from '../../src/command-text.js';
import { buildGenerationRequest, checkModelKind, unknownModelError } from '../../src/model-check.js';
import { flux, veoFast } from '../helpers/model-fixtures.js';
import { messageOf } from '../helpers/user-message.js';

const build = (text: string, model = flux, inputs = 0) =>
  buildGenerationRequest(parseCommandText(generateSpec, text), model, {
    provider: 'krea',
    inputs: Array.from({ length: inputs }, (_, i) => ({ role: 'image' as const, media: { url: `https://x.test/${i}.png`, source: 'url' as const } })),
  });

describe('aspect ratio to size', () => {
  const fluxRange = { width: { min: 512, max: 2368 }, height: { min: 512, max: 2368 } };
  it.each([
    ['16:9', 1360, 768],
    ['9:16', 768, 1360],
    ['1:1', 1024, 1024],
    ['4:3', 1184, 880],
    ['21:9', 1568, 672],
  ])('%s on a 512–2368 model is %ix%i', (ratio, w, h) => {
    expect(sizeForAspectRatio(ratio, fluxRange)).toEqual({ width: w, height: h });
  });
  it('stays inside tight maxima and refuses ratios the ranges cannot hold', () => {
    expect(sizeForAspectRatio('16:9', { width: { min: 256, max: 1440 }, height: { min: 256, max: 1440 } })).toEqual({ width: 1360, height: 768 });
    expect(sizeForAspectRatio('4:1', { width: { min: 512, max: 1024 }, height: { min: 512, max: 1024 } })).toBeUndefined();
  });
});

describe('buildGenerationRequest', () => {
  it('sends 16:9 to a width/height-only model as a landscape size', () => {
    expect(build('a red fox --ar 16:9 --seed 42')).toMatchObject({ modelId: 'image/bfl/flux-1-dev', kind: 'image', width: 1360, height: 768, seed: 42, count: 1 });
  });
  it('sends the ratio itself to a model that takes one, with durations checked', () => {
    expect(build('waves --ar 9:16 --duration 6', veoFast)).toMatchObject({ aspectRatio: '9:16', durationSeconds: 6, kind: 'video' });
  });
  it.each([
    ['waves --ar 1:1', veoFast, '`--ar 1:1` isn\'t available for `video/google/veo-3.1-fast`. Choose one of: 16:9, 9:16.'],
    ['waves --duration 5', veoFast, "`--duration 5` isn't available for `video/google/veo-3.1-fast`. Choose one of: 4, 6, 8 (seconds)."],
    ['waves --resolution 8K', veoFast, "`--resolution 8K` isn't available for `video/google/veo-3.1-fast`. Choose one of: 720p, 1080p, 4K."],
    ['a fox --no blur', flux, "`--no` isn't supported by `image/bfl/flux-1-dev`."],
    ['a fox --duration 4', flux, '`--duration` is for videos: add `--video`.'],
    ['a fox --ar 8:1', flux, "`--ar 8:1` doesn't fit `image/bfl/flux-1-dev` (width 512–2368, height 512–2368)."],
  ])('%s', (text, model, message) => {
    expect(messageOf(() => build(text, model))).toBe(message);
  });
  it('checks prompt length against the model', () => {
    expect(messageOf(() => build('x'.repeat(1801)))).toBe('Your prompt is 1,801 characters; `image/bfl/flux-1-dev` takes at most 1,800.');
  });
  it('checks the number of input images', () => {
    expect(messageOf(() => build('mix these', flux, 2))).toBe('`image/bfl/flux-1-dev` takes at most 1 input image; you gave 2.');
  });
  it('names the kinds when a model does not make what was asked', () => {
    expect(messageOf(() => checkModelKind(flux, 'video'))).toBe('`image/bfl/flux-1-dev` makes images, not videos. Pick a video model, for example `video/google/veo-3.1-fast`.');
  });
  it('suggests the closest model ids', () => {
    expect(messageOf(() => { throw unknownModelError('image/bfl/flux-dev', ['image/bfl/flux-1-dev', 'image/bfl/flux-1.1-pro', 'video/google/veo-3']); })).toBe(
      'There is no model `image/bfl/flux-dev`. Closest: `image/bfl/flux-1-dev`. See them all with `/genbot models`.',
    );
  });
});
