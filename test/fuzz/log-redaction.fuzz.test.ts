/**
 * The logger under arbitrary input: a secret hidden in any text, at any depth, in keys, in errors
 * never reaches the line; any object at all (cycles, getters that throw, Maps, BigInts) still
 * gives one valid JSON line; and the patterns stay fast on long hostile text (no ReDoS).
 */
import { Writable } from 'node:stream';
import fc, { type Arbitrary } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, sanitizeForLog, scrubSecrets } from '../../src/logger.js';
import { anyValue, longText, nastyString } from './arbitraries.js';
import { failOnUnhandledRejections, params, RUNS, TIMEOUT } from './support.js';

failOnUnhandledRejections();

function capture(secrets?: string[]) {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  return { log: createLogger({ level: 'debug', destination: sink, ...(secrets ? { secrets } : {}) }), lines };
}

const b64 = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`));
const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
/** Tokens in the formats the logger knows, each with the part that must disappear (long enough not to occur by chance). */
const token: Arbitrary<{ text: string; secret: string }> = fc.oneof(
  fc.tuple(fc.constantFrom('xoxb', 'xoxp', 'xoxa', 'xoxr', 'xoxe', 'xoxs', 'xapp'), fc.array(alnum(6, 12), { minLength: 2, maxLength: 4 })).map(([p, parts]) => ({ text: `${p}-${parts.join('-')}`, secret: parts.join('-') })),
  fc.tuple(b64(24, 28), b64(6, 6), b64(27, 38)).map(([a, b, c]) => ({ text: `${a}.${b}.${c}`, secret: `${a}.${b}.${c}` })),
  fc.tuple(fc.constantFrom('sk_live_', 'sk_test_', 'sk-', 'sk-proj-'), alnum(16, 40)).map(([p, k]) => ({ text: p + k, secret: k })),
  fc.tuple(fc.constantFrom('Bearer ', 'bearer  ', 'Authorization: Bearer ', 'authorization=Bearer ', 'Authorization: Basic ', 'X-KGP-Api-Key: ', 'x-api-key=', '"api_key":"', 'token=', 'client_secret: '), alnum(12, 40)).map(([h, k]) => ({ text: h + k, secret: k })),
);
/** What stands next to a token in real text (glued to a letter it would be another word). */
const separator = fc.constantFrom(' ', '\n', '\t', '"', "'", '=', ':', '/', '(', ')', ',', '[', ']', '<', '>', '_', '?', '&');
/** Where a string can sit in what gets logged. */
const placed = (s: string): Arbitrary<{ obj: Record<string, unknown>; msg: string }> =>
  fc.oneof(
    fc.constant({ obj: {}, msg: s }),
    fc.constant({ obj: { note: s }, msg: 'x' }),
    fc.constant({ obj: { err: new Error(s) }, msg: 'x' }),
    fc.constant({ obj: { err: new Error('outer', { cause: new Error(s) }) }, msg: 'x' }),
    fc.constant({ obj: { list: [[{ deep: s }]] }, msg: 'x' }),
    fc.constant({ obj: { a: { b: { c: { d: { e: { f: s } } } } } }, msg: 'x' }),
    fc.constant({ obj: { cache: { [s]: 'T1' } }, msg: 'x' }),
  );

describe('log redaction', () => {
  it('a token in any text, anywhere in the object, never reaches the line', () => {
    fc.assert(
      fc.property(
        fc.tuple(nastyString, separator, token, separator, nastyString).chain(([before, s1, t, s2, after]) => placed(before + s1 + t.text + s2 + after).map((p) => ({ ...p, secret: t.secret }))),
        ({ obj, msg, secret }) => {
          const { log, lines } = capture();
          log.info(obj, msg);
          expect(lines).toHaveLength(1);
          expect(lines[0]).not.toContain(secret);
        },
      ),
      params(),
    );
  }, TIMEOUT);

  it('a configured secret value never reaches the line, in any of its printed forms', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9+/=_.:@!#$%^&*-]{8,48}$/);
    fc.assert(
      fc.property(
        secret,
        nastyString,
        nastyString,
        (value, before, after) => {
          const { log, lines } = capture([value]);
          for (const text of [`${before}${value}${after}`, `${before} ${encodeURIComponent(value)} ${after}`]) log.warn({ err: new Error(text), field: text, [text]: 1 }, text);
          for (const line of lines) {
            expect(line).not.toContain(value);
            expect(line).not.toContain(JSON.stringify(value).slice(1, -1));
          }
        },
      ),
      params(),
    );
  }, TIMEOUT);

  it('any object at all gives exactly one line of valid JSON', () => {
    fc.assert(
      fc.property(anyValue, nastyString, (value, msg) => {
        const { log, lines } = capture();
        const obj = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : { value };
        log.error(obj, msg);
        log.info({ err: value }, msg);
        expect(lines).toHaveLength(2);
        for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
        expect(() => JSON.stringify(sanitizeForLog(value))).not.toThrow();
      }),
      params(),
    );
  }, TIMEOUT);

  it('stays fast on long hostile text (no catastrophic backtracking)', () => {
    const hostile = fc.tuple(fc.constantFrom('a', 'A1', '-', 'a.', 'xoxb-', 'sk-', 'Bearer ', 'token=', '//a:', 'a'.repeat(19) + '.', '_'), fc.integer({ min: 10_000, max: 100_000 }), longText).map(([unit, n, tail]) => unit.repeat(Math.ceil(n / unit.length)) + tail);
    fc.assert(
      fc.property(hostile, (text) => {
        const started = performance.now();
        scrubSecrets(text);
        expect(performance.now() - started).toBeLessThan(1000);
      }),
      params(Math.ceil(RUNS / 20)),
    );
  }, TIMEOUT);
});
