/**
 * Application commands built from the shared CommandSpecs: the same declaration that parses Slack
 * text becomes Discord options (types, choices, limits, autocomplete). Plus the message
 * context-menu command "Animate image".
 */
import type { CommandSpec, ParamSpec } from '../../src/command.js';

export const ANIMATE_CONTEXT_MENU = 'Animate image';

/** Discord's option types (discord-api-types ApplicationCommandOptionType). */
const OPTION_TYPE = { string: 3, integer: 4, boolean: 5, number: 10, attachment: 11 } as const;
const MAX_CHOICES = 25;

export interface CommandOptionJson {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  max_length?: number;
}

export interface ApplicationCommandJson {
  name: string;
  type: number;
  description: string;
  options?: CommandOptionJson[];
  dm_permission?: boolean;
}

function optionsOf(param: ParamSpec): CommandOptionJson[] {
  const base = { type: OPTION_TYPE[param.kind], name: param.name, description: param.description.slice(0, 100) };
  if (param.kind === 'attachment') {
    const n = param.multiple ?? 1;
    return Array.from({ length: n }, (_, i) => ({ ...base, name: i === 0 ? param.name : `${param.name}${i + 1}`, description: i === 0 ? base.description : `Another ${param.description.toLowerCase()}`.slice(0, 100) }));
  }
  const option: CommandOptionJson = { ...base, ...(param.required ? { required: true } : {}) };
  // Choices and autocomplete exclude each other on Discord; open choices (aspect ratios) stay choices.
  if (param.autocomplete) option.autocomplete = true;
  else if (param.choices) option.choices = param.choices.slice(0, MAX_CHOICES).map((c) => ({ name: c.name, value: c.value }));
  if (param.kind === 'integer' || param.kind === 'number') {
    if (param.min !== undefined) option.min_value = param.min;
    if (param.max !== undefined) option.max_value = param.max;
  }
  if (param.kind === 'string' && param.maxLength !== undefined) option.max_length = Math.min(6000, param.maxLength);
  return [option];
}

export function toApplicationCommands(specs: readonly CommandSpec[]): ApplicationCommandJson[] {
  const chat = specs
    .filter((s) => !s.hidden)
    .map((spec) => {
      const options = spec.params.flatMap(optionsOf);
      // Discord wants required options first.
      options.sort((a, b) => Number(!!b.required) - Number(!!a.required));
      return { name: spec.name, type: 1, description: spec.description.slice(0, 100), ...(options.length > 0 ? { options } : {}), dm_permission: false };
    });
  return [...chat, { name: ANIMATE_CONTEXT_MENU, type: 3, description: '', dm_permission: false }];
}

/** Compares what is registered with what we want, ignoring fields Discord adds. */
export function sameCommands(registered: unknown[], wanted: ApplicationCommandJson[]): boolean {
  const norm = (c: Record<string, unknown>) => JSON.stringify({ name: c['name'], type: c['type'] ?? 1, description: c['description'] ?? '', options: c['options'] ?? [] });
  const a = (registered as Array<Record<string, unknown>>).map(norm).sort();
  const b = (wanted as unknown as Array<Record<string, unknown>>).map(norm).sort();
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
