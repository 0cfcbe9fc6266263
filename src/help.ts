/** /help, written from the same specs that drive parsing and Discord registration. */
import { paramLabel } from './command-args.js';
import type { CommandSpec } from './command.js';
import type { MessageView } from './view.js';

export function renderHelp(specs: readonly CommandSpec[]): MessageView {
  const visible = specs.filter((s) => !s.hidden);
  const lines = visible.map((s) => `\`/${s.name}\` ${s.description}`);
  return {
    text: 'How to use the bot',
    blocks: [
      { type: 'text', text: '**Make images and videos right here.**' },
      { type: 'text', text: lines.join('\n') },
      { type: 'context', text: 'React to any image with 🎬 to animate it. In a thread, mention me: `@bot a red fox --ar 16:9`. `/help generate` lists every flag.' },
    ],
  };
}

export function renderCommandHelp(spec: CommandSpec): MessageView {
  const flags = spec.params
    .filter((p) => !p.rest)
    .map((p) => {
      if (p.kind === 'attachment') return `attach ${p.multiple && p.multiple > 1 ? `up to ${p.multiple} images` : 'an image'}: ${p.description}`;
      const aliases = (p.aliases ?? []).length > 0 ? ` (also \`--${p.name}\`)` : '';
      const label = paramLabel(p, 'flag');
      const choices = p.choices && p.strictChoices !== false ? `: ${p.choices.map((c) => c.value).join(', ')}` : '';
      const range = p.min !== undefined && p.max !== undefined ? ` (${p.min}–${p.max})` : '';
      return `${label}${label === `\`--${p.name}\`` ? '' : aliases} ${p.description}${range}${choices}`;
    });
  const examples = spec.examples.filter(Boolean).map((e) => `\`/${spec.name} ${e}\``);
  return {
    text: `/${spec.name}: ${spec.description}`,
    blocks: [
      { type: 'text', text: `**/${spec.name}** ${spec.description}` },
      ...(flags.length > 0 ? [{ type: 'text' as const, text: flags.join('\n') }] : []),
      ...(examples.length > 0 ? [{ type: 'context' as const, text: `Examples: ${examples.join(' · ')}` }] : []),
    ],
  };
}
