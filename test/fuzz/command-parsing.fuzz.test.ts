/**
 * Command text (Slack, web) and Discord options, for every spec: either typed arguments or a
 * UserError a person can read (non-empty, at most 600 characters, no raw control characters).
 * Never any other exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allSpecs } from '../../commands/specs.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText, tokenize } from '../../src/command-text.js';
import { anyValue, commandText, longText, nastyString } from './arbitraries.js';
import { parsesOrExplains } from './contract.js';
import { failOnUnhandledRejections, params, RUNS, TIMEOUT } from './support.js';

failOnUnhandledRejections();
// By name, so a counterexample prints `"generate"`, not the whole spec.
const specName = fc.constantFrom(...allSpecs.map((s) => s.name));
const specNamed = (name: string) => allSpecs.find((s) => s.name === name)!;

describe('parseCommandText', () => {
  it('gives arguments or a readable UserError for any text', () => {
    fc.assert(
      fc.property(specName, nastyString, (name, text) => {
        const args = parsesOrExplains('parseCommandText', text, () => parseCommandText(specNamed(name), text));
        if (args !== undefined) expect(typeof args).toBe('object');
      }),
      params(),
    );
  }, TIMEOUT);

  it('answers very long text in well under a second', () => {
    fc.assert(
      fc.property(specName, longText, (name, text) => {
        const started = performance.now();
        parsesOrExplains('parseCommandText', text, () => parseCommandText(specNamed(name), text));
        expect(performance.now() - started).toBeLessThan(1000);
      }),
      params(Math.ceil(RUNS / 10)),
    );
  }, TIMEOUT);

  it('keeps every word that is not a flag as typed, quotes included', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const typed = text.replace(/[\u2014\u2013](?=[A-Za-z])/g, '--');
        for (const t of tokenize(text)) if (t.quoted || !t.value.startsWith('--')) expect(typed).toContain(t.raw);
      }),
      params(),
    );
  }, TIMEOUT);
});

describe('parseCommandOptions', () => {
  const knownNames = [...new Set(allSpecs.flatMap((s) => s.params.flatMap((p) => [p.name, ...(p.kind === 'attachment' ? [`${p.name}2`, `${p.name}3`] : [])])))];
  const optionName = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...knownNames) }, { weight: 1, arbitrary: nastyString });
  const optionValue = fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constantFrom(null, undefined), anyValue);

  it('gives arguments or a readable UserError for any options', () => {
    fc.assert(
      fc.property(specName, fc.dictionary(optionName, optionValue, { maxKeys: 8 }), (name, options) => {
        const args = parsesOrExplains('parseCommandOptions', options, () => parseCommandOptions(specNamed(name), options));
        if (args !== undefined) expect(typeof args).toBe('object');
      }),
      params(),
    );
  }, TIMEOUT);
});
