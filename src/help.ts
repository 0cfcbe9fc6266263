/**
 * /help, written from the same specs that drive parsing and Discord registration, in the voice of
 * the platform it is read on: Slack shows `/genbot models`, `--ar 16:9` and `@genbot` in threads;
 * Discord shows `/models`, options by name (`aspect_ratio:16:9`) and the Apps menu. Without a
 * platform the text holds hint tokens (src/hints.ts) that the dispatcher renders for the reader.
 */
import type { CommandSpec, ParamSpec } from './command.js';
import { ANIMATE_ACTION_NAME, hint, localizeView, optionSyntax, textFlagName } from './hints.js';
import type { PlatformKind } from './model.js';
import type { Block, MessageView } from './view.js';

/** What only one platform's users need to know, in its words. */
function howTo(platform: PlatformKind | undefined): string {
  const help = `\`${hint.command('help', 'generate')}\``;
  switch (platform) {
    case 'slack':
      return `Slash commands don't work in threads: there, mention me (\`${hint.bot} a paper boat --seed 3\`) or use the message shortcuts *${ANIMATE_ACTION_NAME}* and *Generate from this message*. You can also send me a prompt in a direct message. React to an image with 🎬 to animate it. ${help} lists every flag.`;
    case 'discord':
      return `Every command works in threads and in a direct message with me. React to an image with 🎬 to animate it, or right-click a message → **Apps** → **${ANIMATE_ACTION_NAME}**. ${help} lists every option.`;
    case 'web':
      return `In a thread, mention me: \`${hint.bot} a paper boat --seed 3\`. React to an image with 🎬 to animate it. ${help} lists every flag.`;
    default:
      return `React to an image with 🎬 to animate it. ${help} lists every option.`;
  }
}

export function renderHelp(specs: readonly CommandSpec[], platform?: PlatformKind): MessageView {
  const lines = specs.filter((s) => !s.hidden).map((s) => `\`${hint.command(s.name)}\` ${s.description}`);
  const view: MessageView = {
    text: 'How to use the bot',
    blocks: [
      { type: 'text', text: '**Make images and videos right here.**' },
      { type: 'text', text: lines.join('\n') },
      { type: 'context', text: howTo(platform) },
    ],
  };
  return platform ? localizeView(view, platform, specs) : view;
}

const range = (p: ParamSpec) => (p.min !== undefined && p.max !== undefined ? ` (${p.min}–${p.max})` : p.min !== undefined ? ` (at least ${p.min})` : p.max !== undefined ? ` (at most ${p.max})` : '');
const choices = (p: ParamSpec) => (p.choices && p.strictChoices !== false ? `: ${p.choices.map((c) => c.value).join(', ')}` : '');

/** One line per option: `--ar` (also `--aspect_ratio`) on text platforms, `aspect_ratio` on Discord. */
function optionLine(p: ParamSpec, platform: PlatformKind | undefined): string {
  const about = `${p.description}${range(p)}${choices(p)}`;
  if (!platform) return `\`${hint.flag(p.name)}\` ${about}`;
  if (platform === 'discord') return `\`${optionSyntax('discord', p.name, undefined, [])}\` ${about}`;
  const shortest = textFlagName(p);
  const others = [p.name, ...(p.aliases ?? [])].filter((n) => n !== shortest).map((n) => `\`--${n}\``);
  return `\`--${shortest}\`${others.length > 0 ? ` (also ${others.join(', ')})` : ''} ${about}`;
}

function attachmentLine(p: ParamSpec, platform: PlatformKind | undefined): string {
  const n = Math.max(1, p.multiple ?? 1);
  if (platform === 'discord') {
    const names = Array.from({ length: n }, (_, i) => `\`${i === 0 ? p.name : `${p.name}${i + 1}`}\``);
    return `${names.join(', ')} ${p.description}`;
  }
  const what = n > 1 ? `up to ${n} images` : 'an image';
  if (platform === 'slack') return `${p.description}: attach ${what} to a message that mentions me (\`${hint.bot} …\`), or use the *Generate from this message* shortcut on a message that has them.`;
  return `${p.description}: attach ${what}.`;
}

export function renderCommandHelp(spec: CommandSpec, platform?: PlatformKind): MessageView {
  const rest = spec.params.find((p) => p.rest);
  const lines = [
    // On Discord the free text is an option like the others; in text it is whatever is not a flag.
    ...(rest && platform === 'discord' ? [`\`${rest.name}\` ${rest.description}${rest.required ? ' (required)' : ''}`] : []),
    ...spec.params.filter((p) => !p.rest).map((p) => (p.kind === 'attachment' ? attachmentLine(p, platform) : optionLine(p, platform))),
  ];
  const examples = spec.examples.map((e) => `\`${hint.command(spec.name, e)}\``);
  const blocks: Block[] = [
    { type: 'text', text: `**${hint.command(spec.name)}** ${spec.description}` },
    ...(lines.length > 0 ? [{ type: 'text' as const, text: lines.join('\n') }] : []),
    ...(examples.length > 0 ? [{ type: 'context' as const, text: `Examples: ${examples.join(' · ')}` }] : []),
  ];
  const view: MessageView = { text: `${hint.command(spec.name)}: ${spec.description}`, blocks };
  return platform ? localizeView(view, platform, [spec]) : view;
}
