/**
 * Adversarial input: strings people (and attackers) actually send — unicode, control characters,
 * lone surrogates, quotes of every kind, `--flag` soup, emoji, very long text — and objects that
 * are almost what a parser expects (fields missing, null, of the wrong type) or nothing like it.
 */
import fc, { type Arbitrary } from 'fast-check';
import { allSpecs } from '../../commands/specs.js';

const SPECIALS = [
  '', ' ', '\u0000', '\u0007', '\b', '\n', '\r\n', '\t', '\u000b', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\u00a0', '\u2028', '\u3000',
  '\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\ufffd', '\ud800', '\udfff', '\ud83d', 'e\u0301', '𝕏', '🦊', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🎬', '❌', '✖️',
  '"', "'", '“', '”', '‘', '’', '„', '«', '»', '`', '```', '\\', '\\"', '—', '–', '-', '--', '---', '=', '==', '--=', '|', '||', '<', '>', '&amp;', '%s', '%n', '${x}', '{{x}}',
  '<@U123ABC>', '<@W1|bob>', '<!channel>', '<#C1|general>', '<https://x.test/a.png>', '<https://x.test/a.png|label>', 'https://x.test/a.png', 'http://', 'https://[::1]/a.jpg', 'javascript:alert(1)',
  'gb1|cancel|j1|', 'gb1|retry|job|0', 'gb1|||', 'gb2|cancel|j|', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e309', '0x10', '4294967296', '-1', '1.5', '16:9', '0:0', '99999:1',
  'true', 'false', 'yes', 'off', 'krea', 'KREV', 'kpainter', 'image/bfl/flux-1-dev', 'video/x', 'animate_image', 'generate_from_message', 'clapper', 'clapper::skin-tone-2', 'message', 'file',
];
const FLAG_NAMES = [...new Set(allSpecs.flatMap((s) => s.params.flatMap((p) => [p.name, ...(p.aliases ?? [])])))];

export const special = fc.constantFrom(...SPECIALS);

/** One word of a command line: a flag (known or not, `--x=v`, em dash, quoted), a value, or noise. */
const piece: Arbitrary<string> = fc.oneof(
  special,
  fc.constantFrom(...FLAG_NAMES).map((n) => `--${n}`),
  fc.tuple(fc.constantFrom('--', '—', '–', '-', '---', '——'), fc.constantFrom(...FLAG_NAMES, 'NO', 'Ar', 'x', 'video2', 'image', 'image2')).map(([d, n]) => d + n),
  fc.tuple(fc.constantFrom(...FLAG_NAMES), fc.constantFrom('=', '="', "='", '=“', '= '), fc.string({ unit: 'grapheme', maxLength: 6 })).map(([n, eq, v]) => `--${n}${eq}${v}`),
  fc.stringMatching(/^--[A-Za-z][\w-]{0,12}(=.{0,5})?$/),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer({ min: -5, max: 5000 }).map(String),
);
const gap = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', '\u00a0', '\u3000', '');

/** `--flags` soup: what a user (or a paste, or autocorrect) types after a slash command. */
export const commandText: Arbitrary<string> = fc
  .array(fc.tuple(piece, gap), { maxLength: 24 })
  .map((parts) => parts.map(([p, g]) => p + g).join(''));

/** Very long text: a pasted essay, a repeated character, a giant flag name. */
export const longText: Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', 'a ', '--', '"', '“', '🦊', '\u0000', '--a', 'x'.repeat(50), '--ar 16:9 ', 'é'), fc.integer({ min: 500, max: 12_000 }), fc.constantFrom('', '--', '--n 2', '"'))
  .map(([unit, n, tail]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n) + tail);

/** Any string, weighted towards the ones that break parsers. */
export const nastyString: Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: commandText },
  { weight: 3, arbitrary: special },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: longText },
);

/** Any value at all (the wrong type for whatever field it lands in). */
export const anyValue: Arbitrary<unknown> = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
  key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'id', 'url', 'text', 'toString')),
});

type Model<T> = { [K in keyof T]: Arbitrary<T[K]> };

/** Objects shaped like T, with adversarial values, every optional field sometimes absent. */
export function typed<T>(model: Model<T>, optional: ReadonlyArray<keyof T> = []): Arbitrary<T> {
  const required = (Object.keys(model) as Array<keyof T>).filter((k) => !optional.includes(k));
  return fc.record(model, { requiredKeys: required }) as unknown as Arbitrary<T>;
}

const broken = (wrong: Arbitrary<unknown>) => fc.oneof({ weight: 2, arbitrary: fc.constantFrom(null, undefined) }, { weight: 1, arbitrary: wrong });

/** Almost this value: any field, at any depth, may be missing, null, undefined or `wrong`. */
function perturb(value: unknown, wrong: Arbitrary<unknown>, depth = 0): Arbitrary<unknown> {
  const keepOrBreak = (v: unknown) => fc.oneof({ weight: 6, arbitrary: perturb(v, wrong, depth + 1) }, { weight: 1, arbitrary: broken(wrong) });
  if (Array.isArray(value) && depth < 4) return fc.tuple(...Array.from(value, keepOrBreak));
  // Plain objects only: a Map or a class instance (a discord.js Collection) stays what it is.
  const plain = !!value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null);
  if (plain && depth < 4) {
    const model = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, keepOrBreak(v)]));
    return fc.record(model, { requiredKeys: [] });
  }
  return fc.constant(value);
}

/** Payloads that are almost right (from a well-typed arbitrary), and now and then `wrong` as a whole. */
export function nearly(wellTyped: Arbitrary<unknown>, wrong: Arbitrary<unknown> = anyValue): Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: wellTyped.chain((v) => perturb(v, wrong)) }, { weight: 1, arbitrary: wrong });
}

/** JSON a server might answer: any JSON value, with strings that break things. */
export const anyJson: Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nastyString, fc.dictionary(fc.constantFrom('error', 'message', 'detail', 'status', 'success', 'data', 'urls'), fc.oneof(nastyString, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 4 }));
