import { describe, expect, it } from 'vitest';
import { providerText } from '../../src/errors.js';

describe('providerText', () => {
  it('keeps ordinary text as it is', () => {
    expect(providerText('prompt must be at most 2000 characters')).toBe('prompt must be at most 2000 characters');
    expect(providerText('größe «ungültig» 🦊')).toBe('größe «ungültig» 🦊');
  });

  it('turns line breaks and tabs into one space, and collapses and trims whitespace', () => {
    expect(providerText('  first line\r\nsecond\tline\u2028third\u0085fourth  ')).toBe('first line second line third fourth');
  });

  it('drops C0 and C1 control characters and DEL', () => {
    expect(providerText('bad\u0007 val\u0000ue\u001b[31m red\u007f\u009b')).toBe('bad value[31m red');
  });

  it('is empty when nothing but control characters and whitespace is left', () => {
    expect(providerText('\u0007 \n\u0000\u009f')).toBe('');
  });

  it('caps at 300 characters by default, with an ellipsis', () => {
    const capped = providerText('x'.repeat(1000));
    expect(capped).toHaveLength(300);
    expect(capped.endsWith('x…')).toBe(true);
    expect(providerText('x'.repeat(300))).toBe('x'.repeat(300));
  });

  it('caps at any length asked, without a space before the ellipsis', () => {
    expect(providerText('one two three', 8)).toBe('one two…');
    expect(providerText('one two three', Infinity)).toBe('one two three');
  });

  it('never cuts a surrogate pair in half', () => {
    expect(providerText(`${'a'.repeat(8)}🦊🦊`, 10)).toBe(`${'a'.repeat(8)}…`);
  });
});
