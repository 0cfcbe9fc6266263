/**
 * Button ids come back from Slack and Discord as whatever a client (or anyone forging a request)
 * sends: decodeButtonId never throws, and what the bot encodes decodes to the same payload.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeButtonId, encodeButtonId, MAX_CUSTOM_ID_LENGTH, type ActionName, type ButtonPayload } from '../../src/view.js';
import { nastyString } from './arbitraries.js';
import { failOnUnhandledRejections, params, TIMEOUT } from './support.js';

failOnUnhandledRejections();

const ACTIONS: ActionName[] = ['cancel', 'retry', 'variations', 'upscale', 'animate', 'delete'];
/** Any text without the separator; job ids and args are never empty when meant to be there. */
const field = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), nastyString).filter((s) => s.length > 0 && !s.includes('|'));
const payload: fc.Arbitrary<ButtonPayload> = fc.record({ action: fc.constantFrom(...ACTIONS), jobId: field, arg: fc.option(field, { nil: undefined }) }, { requiredKeys: ['action', 'jobId'] });
/** Ids that look almost like ours: the prefix, separators in the wrong places, unknown actions. */
const idLike = fc
  .array(fc.oneof(fc.constantFrom('gb1', 'gb2', 'GB1', '', ...ACTIONS, 'cancel ', 'x'), nastyString), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join('|'));

describe('button ids', () => {
  it('decodeButtonId never throws, and what it decodes is a payload the bot could have made', () => {
    fc.assert(
      fc.property(fc.oneof(idLike, nastyString, fc.string({ unit: 'binary', maxLength: 120 })), (id) => {
        const decoded = decodeButtonId(id);
        if (decoded === undefined) return;
        expect(ACTIONS).toContain(decoded.action);
        expect(decoded.jobId.length).toBeGreaterThan(0);
        // Decoding is exact: encoding the result gives the id back.
        expect(encodeButtonId(decoded)).toBe(id);
      }),
      params(),
    );
  }, TIMEOUT);

  it('encode → decode gives the payload back; an id over the limit is refused when encoding, not cut', () => {
    fc.assert(
      fc.property(payload, (p) => {
        let id: string;
        try {
          id = encodeButtonId(p);
        } catch (err) {
          expect((err as Error).message).toMatch(/too long/);
          expect(['gb1', p.action, p.jobId, p.arg ?? ''].join('|').length).toBeGreaterThan(MAX_CUSTOM_ID_LENGTH);
          return;
        }
        expect(id.length).toBeLessThanOrEqual(MAX_CUSTOM_ID_LENGTH);
        expect(decodeButtonId(id)).toEqual(p.arg === undefined ? { action: p.action, jobId: p.jobId } : p);
      }),
      params(),
    );
  }, TIMEOUT);

  it('a payload holding the separator is refused when encoding', () => {
    fc.assert(
      fc.property(payload, fc.nat(3), (p, where) => {
        const broken = where === 0 ? { ...p, jobId: `${p.jobId}|x` } : { ...p, arg: `${p.arg ?? ''}|` };
        expect(() => encodeButtonId(broken)).toThrow(/may not contain/);
      }),
      params(),
    );
  }, TIMEOUT);
});
