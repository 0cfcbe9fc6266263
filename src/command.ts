/**
 * One declarative spec per command. The same spec drives:
 * - Slack/web text parsing (`a red fox --ar 16:9`): see command-text.ts,
 * - Discord option registration (name, type, choices, autocomplete, min/max),
 * - zod validation of the resulting arguments (same mistakes, same messages on every platform),
 * - /help.
 */

export type ParamKind = 'string' | 'integer' | 'number' | 'boolean' | 'attachment';

export interface ParamSpec {
  /** snake_case, ≤ 32 chars, lowercase: valid as a Discord option name as-is. */
  name: string;
  kind: ParamKind;
  description: string;
  required?: boolean;
  /** The free text of a Slack command (everything that is not a flag) fills this param. */
  rest?: boolean;
  /** Text flags besides `--name` (e.g. `ar` for aspect_ratio, `n` for count). */
  aliases?: string[];
  /** Fixed choices (Discord shows them as choices; text input is checked against them). */
  choices?: Array<{ name: string; value: string | number }>;
  /**
   * false: `choices` are suggestions (Discord shows them) but typed text may hold other values
   * matching `pattern`; the model check decides later (e.g. aspect ratios a model accepts).
   */
  strictChoices?: boolean;
  /** A format typed values must match, with an example for the message. */
  pattern?: { regex: RegExp; example: string };
  /** Values come from a dynamic list (Discord autocomplete; text input is checked later). */
  autocomplete?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  /** For attachments: how many the platform should offer (Discord registers image, image2 …). */
  multiple?: number;
  /** A boolean flag whose presence sets it: `--video`. */
  flagOnly?: boolean;
  /** Text flags that take the rest of the flag's words, e.g. `--no blurry, low quality`. */
  greedy?: boolean;
  examples?: string[];
}

export interface CommandSpec {
  /** Slash command name without the slash: `generate`. */
  name: string;
  description: string;
  params: ParamSpec[];
  examples: string[];
  /** Hidden from /help and not registered (internal re-runs). */
  hidden?: boolean;
}

/** Arguments after parsing: param name to value (attachments are MediaRef[]). */
export type CommandArgs = Record<string, unknown>;
