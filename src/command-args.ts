/**
 * Validation of command arguments against their spec, shared by every platform: text flags
 * (Slack, web) arrive as strings, Discord options arrive typed; both go through the same checks
 * so the same mistake gets the same message. Only the way a parameter is named differs
 * (`--ar` where people type flags, `aspect_ratio` where they fill options).
 */
import { z } from 'zod';
import type { CommandArgs, CommandSpec, ParamSpec } from './command.js';
import { UserError } from './errors.js';

export type NameStyle = 'flag' | 'option';

/** How a parameter is called in messages: the shortest flag people type, or the option name. */
export function paramLabel(param: ParamSpec, style: NameStyle): string {
  if (style === 'option') return `\`${param.name}\``;
  const names = [param.name, ...(param.aliases ?? [])].sort((a, b) => a.length - b.length);
  return `\`--${names[0]}\``;
}

function example(param: ParamSpec, style: NameStyle): string {
  const value = param.pattern?.example ?? param.examples?.[0] ?? (param.kind === 'integer' || param.kind === 'number' ? String(param.min ?? 1) : param.choices?.[0]?.value);
  if (value === undefined) return '';
  return style === 'flag' ? `, for example \`--${[param.name, ...(param.aliases ?? [])].sort((a, b) => a.length - b.length)[0]} ${value}\`` : `, for example \`${value}\``;
}

function rangeText(param: ParamSpec): string {
  if (param.min !== undefined && param.max !== undefined) return `from ${param.min} to ${param.max}`;
  if (param.min !== undefined) return `at least ${param.min}`;
  return `at most ${param.max}`;
}

const schemaCache = new WeakMap<ParamSpec, Map<string, z.ZodType>>();

/** Schemas are built once per parameter and naming (parsing is on the 3-second ack path). */
function schemaFor(param: ParamSpec, style: NameStyle, shownAs?: string): z.ZodType {
  let byName = schemaCache.get(param);
  if (!byName) schemaCache.set(param, (byName = new Map()));
  const key = `${style}:${shownAs ?? ''}`;
  let schema = byName.get(key);
  if (!schema) {
    schema = buildSchema(shownAs === undefined ? param : { ...param, name: shownAs, aliases: [] }, style);
    byName.set(key, schema);
  }
  return schema;
}

/** A zod schema per parameter; the messages are the ones users read. */
function buildSchema(param: ParamSpec, style: NameStyle): z.ZodType {
  const label = paramLabel(param, style);
  switch (param.kind) {
    case 'integer':
    case 'number': {
      const what = param.kind === 'integer' ? 'a whole number' : 'a number';
      let n = z.coerce.number({ message: `${label} must be ${what}${example(param, style)}.` }).refine(Number.isFinite, { message: `${label} must be ${what}${example(param, style)}.` });
      if (param.kind === 'integer') n = n.refine(Number.isInteger, { message: `${label} must be ${what}${example(param, style)}.` });
      if (param.min !== undefined || param.max !== undefined) {
        n = n.refine((v) => (param.min === undefined || v >= param.min) && (param.max === undefined || v <= param.max), {
          message: `${label} must be ${rangeText(param)}.`,
        });
      }
      return n;
    }
    case 'boolean':
      return z.union([z.boolean(), z.enum(['true', 'false', 'yes', 'no', 'on', 'off']).transform((v) => ['true', 'yes', 'on'].includes(v))], {
        message: `${label} is a yes/no switch.`,
      });
    case 'string': {
      let s = z.string({ message: `${label} needs text.` }).transform((v) => v.trim());
      if (param.maxLength !== undefined) {
        const max = param.maxLength;
        s = s.refine((v) => v.length <= max, { message: `${label} is too long (at most ${max} characters).` }) as unknown as typeof s;
      }
      const choices = param.choices?.map((c) => String(c.value));
      if (choices && param.strictChoices !== false) {
        s = s.refine((v) => choices.includes(v.toLowerCase()), {
          message: `${label} must be one of: ${choices.join(', ')}.`,
        }) as unknown as typeof s;
        return s.transform((v) => v.toLowerCase());
      }
      if (param.pattern) {
        const { regex, example: ex } = param.pattern;
        s = s.refine((v) => regex.test(v), { message: `${label} must look like \`${ex}\`.` }) as unknown as typeof s;
      }
      return s;
    }
    case 'attachment':
      return z.unknown();
  }
}

/** Checks raw values (strings from text, typed values from options) and returns typed arguments. */
export function validateArgs(spec: CommandSpec, raw: Record<string, unknown>, style: NameStyle, typed: Record<string, string> = {}): CommandArgs {
  const out: CommandArgs = {};
  for (const param of spec.params) {
    const value = raw[param.name];
    if (value === undefined || value === '') {
      if (param.required) {
        const msg = param.rest
          ? `Tell me what to make, for example \`<cmd:${spec.name} ${spec.examples[0] ?? '…'}>\`.`
          : `${paramLabel(param, style)} is required.`;
        throw new UserError('missing_value', msg);
      }
      continue;
    }
    // Name the flag the way the user typed it (`--n`, `--count`), so the message matches their text.
    const parsed = schemaFor(param, style, typed[param.name]).safeParse(value);
    if (!parsed.success) {
      throw new UserError('bad_value', parsed.error.issues[0]?.message ?? `${paramLabel(param, style)} is not valid.`, { param: param.name });
    }
    out[param.name] = parsed.data;
  }
  return out;
}

/** Discord: options arrive typed and named after the params (attachments: image, image2, image3). */
/** An option name as an error echoes it: Discord names are short words, so anything else is shown tamed (no control characters, no backticks, bounded). */
function echoedOption(name: string): string {
  const tame = name.replace(/[^\p{L}\p{N}_-]/gu, '?');
  return tame.length <= 32 ? tame : `${tame.slice(0, 31)}…`;
}

export function parseCommandOptions(spec: CommandSpec, options: Record<string, unknown>): CommandArgs {
  const raw: Record<string, unknown> = {};
  for (const param of spec.params) {
    if (param.kind === 'attachment') {
      const names = [param.name, ...Array.from({ length: Math.max(0, (param.multiple ?? 1) - 1) }, (_, i) => `${param.name}${i + 2}`)];
      const found = names.map((n) => options[n]).filter((v) => v !== undefined && v !== null);
      if (found.length > 0) raw[param.name] = found;
      continue;
    }
    if (options[param.name] !== undefined && options[param.name] !== null) raw[param.name] = options[param.name];
  }
  const unknown = Object.keys(options).filter((k) => !spec.params.some((p) => k === p.name || (p.kind === 'attachment' && k.startsWith(p.name))));
  if (unknown.length > 0) throw new UserError('bad_flag', `Unknown option \`${echoedOption(unknown[0]!)}\`.`);
  return validateArgs(spec, raw, 'option');
}
