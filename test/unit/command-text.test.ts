/** The parser's table: what people type, and exactly what they get back. */
import { describe, expect, it } from 'vitest';
import { generateSpec, animateSpec } from '../../commands/specs.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText, tokenize } from '../../src/command-text.js';
import { messageOf } from '../helpers/user-message.js';

describe('parseCommandText: good input', () => {
  const table: Array<[string, Record<string, unknown>]> = [
    ['a red fox at dawn', { prompt: 'a red fox at dawn' }],
    ['a red fox at dawn --ar 16:9 --n 2 --model image/bfl/flux-1-dev --seed 42', { prompt: 'a red fox at dawn', aspect_ratio: '16:9', count: 2, model: 'image/bfl/flux-1-dev', seed: 42 }],
    ['--ar 9:16 a portrait --seed 7 of a cat', { prompt: 'a portrait of a cat', aspect_ratio: '9:16', seed: 7 }],
    ['waves --video --duration 8', { prompt: 'waves', video: true, duration: 8 }],
    ['a fox --no blurry, low quality --ar 1:1', { prompt: 'a fox', negative_prompt: 'blurry, low quality', aspect_ratio: '1:1' }],
    ['a fox --no "blurry, low quality"', { prompt: 'a fox', negative_prompt: 'blurry, low quality' }],
    ['a fox --ar=16:9 --n=3', { prompt: 'a fox', aspect_ratio: '16:9', count: 3 }],
    ['a fox \u2014ar 16:9', { prompt: 'a fox', aspect_ratio: '16:9' }],
    ['a sign that says "--ar is not a flag" --seed 1', { prompt: 'a sign that says "--ar is not a flag"', seed: 1 }],
    ['a sign that says \u201cbonjour --n 4\u201d', { prompt: 'a sign that says \u201cbonjour --n 4\u201d' }],
    ['狐狸在黎明 🦊 --ar 4:3', { prompt: '狐狸在黎明 🦊', aspect_ratio: '4:3' }],
    ['don\'t stop --provider KREA', { prompt: "don't stop", provider: 'krea' }],
    ['a fox --style my-lora-123 --seed 0', { prompt: 'a fox', style: 'my-lora-123', seed: 0 }],
    ['a fox --ar 16:9 --ar 1:1', { prompt: 'a fox', aspect_ratio: '1:1' }],
    ['a fox --aspect-ratio 3:2', { prompt: 'a fox', aspect_ratio: '3:2' }],
    ['a fox --video=true', { prompt: 'a fox', video: true }],
  ];
  it.each(table)('%s', (text, expected) => {
    expect(parseCommandText(generateSpec, text)).toEqual(expected);
  });
});

describe('parseCommandText: bad input, with the exact message users see', () => {
  const table: Array<[string, string]> = [
    ['a fox --arr 16:9', 'Unknown flag `--arr`. Did you mean `--ar`? Flags: `--ar`, `--n`, `--model`, `--seed`, `--no`, `--style`, `--video`, `--duration`, `--resolution`, `--provider`, `--product`.'],
    ['a fox --sed 4', 'Unknown flag `--sed`. Did you mean `--seed`? Flags: `--ar`, `--n`, `--model`, `--seed`, `--no`, `--style`, `--video`, `--duration`, `--resolution`, `--provider`, `--product`.'],
    ['a fox --zzzzzz', 'Unknown flag `--zzzzzz`. Flags: `--ar`, `--n`, `--model`, `--seed`, `--no`, `--style`, `--video`, `--duration`, `--resolution`, `--provider`, `--product`.'],
    ['a fox --seed', '`--seed` needs a value, for example `--seed 0`.'],
    ['a fox --seed abc', '`--seed` must be a whole number, for example `--seed 0`.'],
    ['a fox --seed 4.5', '`--seed` must be a whole number, for example `--seed 0`.'],
    ['a fox --n 5', '`--n` must be from 1 to 4.'],
    ['a fox --n 0', '`--n` must be from 1 to 4.'],
    ['a fox --count 9', '`--count` must be from 1 to 4.'],
    ['a fox --ar wide', '`--ar` must look like `16:9`.'],
    ['a fox --provider midjourney', '`--provider` must be one of: krea, krev, kpainter.'],
    ['--ar 16:9', 'Tell me what to make, for example `/generate a red fox at dawn --ar 16:9`.'],
    ['a fox --image foo.png', "`--image` can't be typed: attach the file to your message instead."],
    ['a fox --no', '`--no` needs a value, for example `--no something`.'],
  ];
  it.each(table)('%s', (text, message) => {
    expect(messageOf(() => parseCommandText(generateSpec, text))).toBe(message);
  });
});

describe('Discord options go through the same checks', () => {
  it('accepts typed options and attachments', () => {
    const image = { url: 'https://cdn.discordapp.com/a.png', source: 'discord' };
    expect(parseCommandOptions(generateSpec, { prompt: 'a fox', count: 2, aspect_ratio: '16:9', image })).toEqual({ prompt: 'a fox', count: 2, aspect_ratio: '16:9', image: [image] });
  });
  it('gives the same message for the same mistake, naming the option', () => {
    expect(messageOf(() => parseCommandOptions(generateSpec, { prompt: 'a fox', count: 5 }))).toBe('`count` must be from 1 to 4.');
    expect(messageOf(() => parseCommandOptions(generateSpec, { prompt: 'a fox', provider: 'midjourney' }))).toBe('`provider` must be one of: krea, krev, kpainter.');
  });
});

describe('tokenize', () => {
  it('keeps an unterminated quote as text', () => {
    expect(tokenize('say "hello').map((t) => t.value)).toEqual(['say', '"hello']);
  });
  it('animate takes a message link', () => {
    expect(parseCommandText(animateSpec, 'slow zoom --link https://discord.com/channels/1/2/3')).toEqual({ prompt: 'slow zoom', message_link: 'https://discord.com/channels/1/2/3' });
  });
});
