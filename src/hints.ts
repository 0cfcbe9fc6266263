/**
 * The platform's voice: how a command, an option and the bot's mention are written on each
 * platform, and neutral tokens for text built where the platform is not known yet (src/, the
 * provider clients):
 *
 *   <cmd:models>   <cmd:generate a red fox --ar 16:9>   a command; arguments written as Slack text
 *   <flag:aspect_ratio 16:9>   <flag:ar>   <flag:video>   one option, by param name or text alias
 *   <bot>                                                the bot's mention
 *
 * Slack: `/genbot models` (management commands live under /genbot), `/generate … --ar 16:9`,
 * `@genbot`. Discord: `/models`, `/generate prompt:… aspect_ratio:16:9`. The playground:
 * `/models`, `--ar 16:9`, `@bot`. The dispatcher renders the tokens in every reply for the
 * invocation's platform; code that posts elsewhere (jobs) calls `renderHints` with its platform.
 * Naming Discord options and the shortest text flag needs the command specs; without them the
 * names are shown as written (never wrong on Slack, where every alias works).
 */
import type { CommandSpec, ParamSpec } from './command.js';
import { tokenize } from './command-text.js';
import type { PlatformAccessDetail } from './errors.js';
import type { PlatformKind } from './model.js';
import type { MessageView } from './view.js';

/** The bot's name as the manifest and the Discord application call it. */
export const BOT_NAME = 'genbot';
/** Slack gives these their own slash commands; every other command is `/genbot <name>`. */
const SLACK_OWN_COMMANDS: ReadonlySet<string> = new Set(['generate', 'animate']);
/** The message action that animates an image on both platforms (Slack shortcut, Discord Apps menu). */
export const ANIMATE_ACTION_NAME = 'Animate image';

/** Builders for the tokens; `<` and `>` are dropped from arguments, since they end a token. */
export const hint = {
  command: (name: string, args = ''): string => `<cmd:${name}${args.trim() ? ` ${args.trim().replace(/[<>]/g, '')}` : ''}>`,
  flag: (name: string, value?: string | number): string => `<flag:${name}${value !== undefined ? ` ${String(value).replace(/[<>]/g, '')}` : ''}>`,
  bot: '<bot>',
} as const;

const TOKEN = /<(?:cmd|flag):[a-z][\w-]*(?: [^<>]*)?>|<bot>/i;
const CMD = /<cmd:([a-z][\w-]*)(?: ([^<>]*))?>/gi;
const FLAG = /<flag:([a-z][\w-]*)(?: ([^<>]*))?>/gi;

function paramIn(spec: CommandSpec, name: string): ParamSpec | undefined {
  const n = name.toLowerCase().replace(/-/g, '_');
  return spec.params.find((p) => p.name === n) ?? spec.params.find((p) => (p.aliases ?? []).includes(n));
}

/** The param a flag names in any command (canonical names first, then aliases). */
function findParam(specs: readonly CommandSpec[], name: string): ParamSpec | undefined {
  for (const spec of specs) {
    const exact = spec.params.find((p) => p.name === name.toLowerCase());
    if (exact) return exact;
  }
  for (const spec of specs) {
    const param = paramIn(spec, name);
    if (param) return param;
  }
  return undefined;
}

/** The shortest way to type a param as a text flag (`--ar` for aspect_ratio). */
export function textFlagName(param: ParamSpec): string {
  return [param.name, ...(param.aliases ?? [])].sort((a, b) => a.length - b.length)[0]!;
}

const discordValue = (param: ParamSpec, value: string | undefined) => (param.kind === 'boolean' ? (value === undefined || /^(true|yes|on)$/i.test(value) ? 'True' : 'False') : value);

/** Slack-style argument text → Discord `name:value` options; undefined when it does not read cleanly. */
function discordOptions(spec: CommandSpec, text: string): string[] | undefined {
  const rest: string[] = [];
  const options: string[] = [];
  const tokens = tokenize(text);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const flag = token.quoted ? null : /^--([A-Za-z][\w-]*)(?:=(.*))?$/.exec(token.value);
    if (!flag) {
      rest.push(token.raw);
      continue;
    }
    const param = paramIn(spec, flag[1]!);
    if (!param || param.rest || param.kind === 'attachment') return undefined;
    let value = flag[2];
    if (value === undefined && param.kind !== 'boolean') {
      const words: string[] = [];
      // A greedy flag (`--no blurry, low quality`) takes words up to the next flag; others one word.
      while (i + 1 < tokens.length && !/^--[A-Za-z]/.test(tokens[i + 1]!.value) && (param.greedy || words.length === 0)) words.push(tokens[++i]!.value);
      value = words.join(' ');
    }
    options.push(`${param.name}:${discordValue(param, value)}`);
  }
  const restParam = spec.params.find((p) => p.rest);
  if (rest.length > 0 && !restParam) return undefined;
  // The free text first: it is the required option (the prompt) Discord shows first.
  return [...(rest.length > 0 ? [`${restParam!.name}:${rest.join(' ')}`] : []), ...options];
}

/** How to type a command with its arguments (given as Slack-style text) on a platform. */
export function commandSyntax(platform: PlatformKind, name: string, args = '', specs: readonly CommandSpec[] = []): string {
  const text = args.trim();
  if (platform === 'discord') {
    const spec = specs.find((s) => s.name === name);
    const options = spec && text ? discordOptions(spec, text) : undefined;
    return [`/${name}`, ...(options ?? (text ? [text] : []))].join(' ');
  }
  const head = platform === 'slack' && !SLACK_OWN_COMMANDS.has(name) ? `/${BOT_NAME} ${name}` : `/${name}`;
  return text ? `${head} ${text}` : head;
}

/** How to write one option: `--ar 16:9` in text, `aspect_ratio:16:9` on Discord. */
export function optionSyntax(platform: PlatformKind, name: string, value?: string, specs: readonly CommandSpec[] = []): string {
  const param = findParam(specs, name);
  if (platform === 'discord') {
    const option = param?.name ?? name.toLowerCase().replace(/-/g, '_');
    const shown = param ? discordValue(param, value) : value;
    return shown !== undefined ? `${option}:${shown}` : option;
  }
  const flag = `--${param ? textFlagName(param) : name}`;
  return value !== undefined && value !== '' ? `${flag} ${value}` : flag;
}

/** How to mention the bot (Slack threads, the playground; on Discord only DMs read messages). */
export function mentionSyntax(platform: PlatformKind): string {
  return platform === 'web' ? '@bot' : `@${BOT_NAME}`;
}

export function hasHints(text: string): boolean {
  return TOKEN.test(text);
}

/** Replaces every token in `text` with the platform's own syntax. */
export function renderHints(text: string, platform: PlatformKind, specs: readonly CommandSpec[] = []): string {
  if (!hasHints(text)) return text;
  return text
    .replace(CMD, (_m, name: string, args: string | undefined) => commandSyntax(platform, name.toLowerCase(), args ?? '', specs))
    .replace(FLAG, (_m, name: string, value: string | undefined) => optionSyntax(platform, name, value, specs))
    .replace(/<bot>/gi, mentionSyntax(platform));
}

/** Every string of a JSON-like value, mapped (views are plain data; new block kinds are covered too). */
function mapStrings<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapStrings(v, fn)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)])) as T;
  return value;
}

/** Whether any string of a JSON-like value passes `test` (a status card is rendered on every edit: no copy is made to look). */
function someString(value: unknown, test: (s: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((v: unknown) => someString(v, test));
  if (value && typeof value === 'object') {
    for (const key in value) if (someString((value as Record<string, unknown>)[key], test)) return true;
  }
  return false;
}

/** A view with every token rendered for the platform; the same object when it holds none. */
export function localizeView(view: MessageView, platform: PlatformKind, specs: readonly CommandSpec[] = []): MessageView {
  if (!someString(view, hasHints)) return view;
  return mapStrings(view, (s) => renderHints(s, platform, specs));
}

/** Everything the job pipeline needs in a Discord channel, as the server settings name it. */
export const DISCORD_BOT_PERMISSIONS = ['View Channel', 'Send Messages', 'Send Messages in Threads', 'Create Public Threads', 'Embed Links', 'Attach Files', 'Read Message History'] as const;

const listOf = (names: readonly string[]) => {
  const bold = names.map((n) => `**${n}**`);
  return bold.length > 1 ? `${bold.slice(0, -1).join(', ')} and ${bold.at(-1)}` : (bold[0] ?? '');
};

/**
 * What to do when the platform refused the bot access: `here` is the channel the user is in,
 * `there` another one (a pasted link, a job's channel).
 */
export function accessHint(platform: PlatformKind, access: PlatformAccessDetail | undefined, where: 'here' | 'there'): string {
  const channel = where === 'here' ? 'this channel' : 'that channel';
  if (access?.reason === 'content_hidden') {
    return platform === 'discord'
      ? `Discord doesn't show me the images on other people's messages, so I can't pick this one up. Right-click the message (long-press on mobile) → **Apps** → **${ANIMATE_ACTION_NAME}** instead.`
      : `I can't see what is in that message. Use the **${ANIMATE_ACTION_NAME}** action on it instead.`;
  }
  if (platform === 'slack') return `I'm not in ${channel} yet. Invite me with \`/invite @${BOT_NAME}\` ${where === 'here' ? 'here' : 'there'} (or ask someone in it to), then try again.`;
  if (platform === 'discord') {
    const missing = access?.missing?.length ? access.missing : [...DISCORD_BOT_PERMISSIONS];
    return `I don't have the permissions I need in ${channel}. Ask a server admin to give me ${listOf(missing)} ${where === 'here' ? 'here' : 'there'} (the channel's settings → Permissions), then try again.`;
  }
  return `I can't reach ${channel}.`;
}
