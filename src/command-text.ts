/**
 * Slack-style command text, Midjourney style: `a red fox at dawn --ar 16:9 --n 2 --no blurry`.
 *
 * - Flags may stand anywhere; everything that is not a flag or a flag's value is the prompt.
 * - `--flag value`, `--flag=value`, quoted values ("…", '…', and the curly quotes Slack and
 *   macOS type), `—flag` (an em dash that autocorrect made of `--`).
 * - `--no` is greedy: it takes words until the next flag.
 * - A repeated flag: the last one wins (people append flags to fix a prompt they pasted).
 * - Quoted text in the prompt stays as typed, quotes included, and is never read as flags.
 */
import { paramLabel, validateArgs } from './command-args.js';
import type { CommandArgs, CommandSpec, ParamSpec } from './command.js';
import { UserError } from './errors.js';
import { closest } from './suggest.js';

interface Token {
  raw: string;
  value: string;
  quoted: boolean;
}

const QUOTE_PAIRS: Record<string, string> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’', '’': '’', '„': '“' };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const s = text.replace(/[\u2014\u2013](?=[A-Za-z])/g, '--');
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const open = s[i]!;
    const close = QUOTE_PAIRS[open];
    // An apostrophe inside a word (don't) is not a quote: only a quote at a token start opens one.
    if (close && s.indexOf(close, i + 1) > i) {
      const end = s.indexOf(close, i + 1);
      tokens.push({ raw: s.slice(i, end + 1), value: s.slice(i + 1, end), quoted: true });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    const word = s.slice(i, j);
    // --flag="quoted value"
    const eq = /^(--[A-Za-z][\w-]*=)(["'“‘])/.exec(word);
    if (eq) {
      const q = QUOTE_PAIRS[eq[2]!]!;
      const start = i + eq[1]!.length + 1;
      const end = s.indexOf(q, start);
      if (end > 0) {
        tokens.push({ raw: s.slice(i, end + 1), value: eq[1]! + s.slice(start, end), quoted: false });
        i = end + 1;
        continue;
      }
    }
    tokens.push({ raw: word, value: word, quoted: false });
    i = j;
  }
  return tokens;
}

const FLAG = /^--([A-Za-z][\w-]*)(?:=([\s\S]*))?$/;

function isFlag(t: Token | undefined): boolean {
  return !!t && !t.quoted && FLAG.test(t.value);
}

function flagNames(spec: CommandSpec): Map<string, ParamSpec> {
  const names = new Map<string, ParamSpec>();
  for (const p of spec.params) {
    if (p.rest || p.kind === 'attachment') continue;
    for (const n of [p.name, ...(p.aliases ?? [])]) names.set(n.toLowerCase(), p);
  }
  return names;
}

/** How much of an unknown flag is echoed: enough to recognise it, never a pasted wall of text. */
const MAX_ECHOED_FLAG = 40;

/** A flag's name as the error echoes it. FLAG admits only word characters and dashes, so the length is all there is to bound. */
function echoedFlag(name: string): string {
  return name.length <= MAX_ECHOED_FLAG ? name : `${name.slice(0, MAX_ECHOED_FLAG - 1)}…`;
}

function allowedFlags(spec: CommandSpec): string {
  return spec.params
    .filter((p) => !p.rest && p.kind !== 'attachment')
    .map((p) => paramLabel(p, 'flag'))
    .join(', ');
}

export function parseCommandText(spec: CommandSpec, text: string): CommandArgs {
  const names = flagNames(spec);
  const restParam = spec.params.find((p) => p.rest);
  const raw: Record<string, unknown> = {};
  const typed: Record<string, string> = {};
  const rest: string[] = [];
  const tokens = tokenize(text);

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const m = token.quoted ? null : FLAG.exec(token.value);
    if (!m) {
      rest.push(token.raw);
      continue;
    }
    const name = m[1]!.toLowerCase().replace(/-/g, '_');
    const param = names.get(name) ?? names.get(m[1]!.toLowerCase());
    if (!param) {
      const attachment = spec.params.find((p) => p.kind === 'attachment' && p.name === name);
      if (attachment) throw new UserError('bad_flag', `\`--${m[1]}\` can't be typed: attach the file to your message instead.`);
      const suggestion = closest(name, [...names.keys()])[0];
      const hint = suggestion ? ` Did you mean \`--${suggestion}\`?` : '';
      const flag = echoedFlag(m[1]!);
      throw new UserError('bad_flag', `Unknown flag \`--${flag}\`.${hint} Flags: ${allowedFlags(spec)}.`, { flag });
    }
    let value: unknown = m[2];
    if (value === undefined) {
      if (param.kind === 'boolean') {
        value = true;
      } else if (param.greedy) {
        const words: string[] = [];
        while (i + 1 < tokens.length && !isFlag(tokens[i + 1])) words.push(tokens[++i]!.value);
        value = words.join(' ');
      } else if (i + 1 < tokens.length && !isFlag(tokens[i + 1])) {
        value = tokens[++i]!.value;
      } else {
        value = '';
      }
      if (value === '') {
        const ex = param.pattern?.example ?? (param.kind === 'integer' || param.kind === 'number' ? String(param.min ?? 1) : param.choices?.[0]?.value ?? 'something');
        throw new UserError('missing_value', `${paramLabel(param, 'flag')} needs a value, for example \`--${m[1]} ${ex}\`.`);
      }
    } else if (param.kind === 'boolean' && param.flagOnly && value === '') {
      value = true;
    }
    raw[param.name] = value;
    typed[param.name] = m[1]!.toLowerCase();
  }

  if (restParam && rest.length > 0) raw[restParam.name] = rest.join(' ');
  return validateArgs(spec, raw, 'flag', typed);
}
