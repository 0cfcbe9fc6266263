/**
 * One voice per platform: commands, options, mentions and help are written the way each platform
 * types them, and the neutral tokens built where the platform is unknown render the same way.
 */
import { describe, expect, it } from 'vitest';
import { commandHint, localize, mentionHint, optionHint } from '../../commands/hints.js';
import { allSpecs, generateSpec, modelsSpec } from '../../commands/specs.js';
import { renderCommandHelp, renderHelp } from '../../src/help.js';
import { accessHint, hint, localizeView, renderHints } from '../../src/hints.js';
import type { MessageView } from '../../src/view.js';

const textOf = (view: MessageView) => [view.text, ...view.blocks.map((b) => JSON.stringify(b))].join('\n');
/** What Slack users must never read on Discord and the other way round. */
const SLACK_ONLY = [/\/genbot\b/, /(^|[\s`])--[a-z]/];
const DISCORD_ONLY = [/\b(prompt|aspect_ratio|search|setting|provider|command):\S/, /\/models\b(?!.*genbot)/];

describe('commands and options, per platform', () => {
  it('Slack groups management under /genbot and keeps flags; Discord names options', () => {
    expect(commandHint('slack', 'models')).toBe('/genbot models');
    expect(commandHint('discord', 'models')).toBe('/models');
    expect(commandHint('web', 'models')).toBe('/models');
    expect(commandHint('slack', 'generate', 'a red fox --ar 16:9 --video')).toBe('/generate a red fox --ar 16:9 --video');
    expect(commandHint('discord', 'generate', 'a red fox --ar 16:9 --video')).toBe('/generate prompt:a red fox aspect_ratio:16:9 video:True');
    expect(commandHint('discord', 'generate', 'a cat --no blurry, dark --n 2')).toBe('/generate prompt:a cat negative_prompt:blurry, dark count:2');
    expect(commandHint('slack', 'connect', 'krea')).toBe('/genbot connect krea');
    expect(commandHint('discord', 'connect', 'krea')).toBe('/connect provider:krea');
    expect(commandHint('discord', 'settings', 'image_model …')).toBe('/settings setting:image_model …');
    expect(commandHint('discord', 'models', 'flux page 2')).toBe('/models search:flux page 2');
  });

  it('options: the shortest text flag on Slack, the option name on Discord', () => {
    expect(optionHint('slack', 'aspect_ratio', '16:9')).toBe('--ar 16:9');
    expect(optionHint('slack', 'ar')).toBe('--ar');
    expect(optionHint('discord', 'ar', '16:9')).toBe('aspect_ratio:16:9');
    expect(optionHint('discord', 'video')).toBe('video:True');
    expect(optionHint('slack', 'video')).toBe('--video');
    expect(optionHint('discord', 'no')).toBe('negative_prompt');
    expect(optionHint('discord', 'model', 'image/bfl/flux-1-dev')).toBe('model:image/bfl/flux-1-dev');
    expect(mentionHint('slack')).toBe('@genbot');
    expect(mentionHint('web')).toBe('@bot');
  });

  it('tokens render per platform, in any string of any block (buttons and unknown blocks too)', () => {
    const text = `See \`${hint.command('models')}\`, add \`${hint.flag('ar', '16:9')}\` or \`${hint.flag('video')}\`, or mention ${hint.bot}.`;
    expect(renderHints(text, 'slack', allSpecs)).toBe('See `/genbot models`, add `--ar 16:9` or `--video`, or mention @genbot.');
    expect(renderHints(text, 'discord', allSpecs)).toBe('See `/models`, add `aspect_ratio:16:9` or `video:True`, or mention @genbot.');
    const view = { text: hint.command('help'), blocks: [{ type: 'actions', buttons: [{ label: hint.command('jobs'), action: 'cancel', jobId: 'j1' }] }, { type: 'future', nested: { deep: [hint.flag('seed', 3)] } }] } as unknown as MessageView;
    expect(localizeView(view, 'slack', allSpecs)).toEqual({ text: '/genbot help', blocks: [{ type: 'actions', buttons: [{ label: '/genbot jobs', action: 'cancel', jobId: 'j1' }] }, { type: 'future', nested: { deep: ['--seed 3'] } }] });
    const plain = { text: 'nothing to do', blocks: [] };
    expect(localizeView(plain, 'discord')).toBe(plain);
  });

  it('without the specs, names stay as written (never wrong on Slack)', () => {
    expect(renderHints('`<cmd:models>` `<flag:aspect_ratio 1:1>`', 'slack')).toBe('`/genbot models` `--aspect_ratio 1:1`');
    expect(renderHints('`<cmd:connect kpainter>`', 'discord')).toBe('`/connect kpainter`');
  });
});

describe('help, per platform', () => {
  it('Slack help names /genbot commands, flags and @genbot in threads; Discord help names none of them', () => {
    const slack = textOf(renderHelp(allSpecs, 'slack'));
    expect(slack).toContain('`/genbot models`');
    expect(slack).toContain('`/generate`');
    expect(slack).toContain('@genbot a paper boat --seed 3');
    expect(slack).toContain('`/genbot help generate`');
    for (const re of DISCORD_ONLY) expect(slack).not.toMatch(re);
    const discord = textOf(renderHelp(allSpecs, 'discord'));
    expect(discord).toContain('`/models`');
    expect(discord).toContain('`/help command:generate`');
    expect(discord).toContain('Animate image');
    for (const re of SLACK_ONLY) expect(discord).not.toMatch(re);
  });

  it('help for one command: flags and examples as typed on Slack, options on Discord, each range once', () => {
    const slack = textOf(renderCommandHelp(generateSpec, 'slack'));
    expect(slack).toContain('`--ar` (also `--aspect_ratio`, `--aspect`)');
    expect(slack).toContain('`--n` (also `--count`) How many images (1–4)');
    expect(slack).toContain('`/generate a red fox at dawn --ar 16:9`');
    expect(slack).not.toMatch(/\(1-4\)/);
    const discord = textOf(renderCommandHelp(generateSpec, 'discord'));
    expect(discord).toContain('`prompt` What to make (required)');
    expect(discord).toContain('`count` How many images (1–4)');
    expect(discord).toContain('`image`, `image2`, `image3`');
    expect(discord).toContain('`/generate prompt:a red fox at dawn aspect_ratio:16:9`');
    expect(discord).toContain('`/generate prompt:waves crashing video:True duration:8`');
    for (const re of SLACK_ONLY) expect(discord).not.toMatch(re);
    expect(textOf(renderCommandHelp(modelsSpec, 'discord'))).toContain('`/models search:flux`');
    expect(textOf(renderCommandHelp(modelsSpec, 'slack'))).toContain('`/genbot models flux`');
  });

  it('help rendered without a platform holds tokens the dispatcher turns into the same voice', () => {
    const neutral = renderHelp(allSpecs);
    expect(textOf(neutral)).toContain('<cmd:models>');
    const discord = textOf(localize(neutral, 'discord'));
    for (const re of SLACK_ONLY) expect(discord).not.toMatch(re);
    expect(textOf(localize(renderCommandHelp(generateSpec), 'slack'))).toContain('`--ar` Aspect ratio');
  });
});

describe('what to do when the platform refuses', () => {
  it('Slack: invite me; Discord: the permissions to grant; a hidden image: the Animate image command', () => {
    expect(accessHint('slack', { reason: 'not_in_channel' }, 'there')).toBe("I'm not in that channel yet. Invite me with `/invite @genbot` there (or ask someone in it to), then try again.");
    expect(accessHint('discord', { reason: 'missing_permissions', missing: ['Send Messages', 'Attach Files'] }, 'here')).toBe(
      "I don't have the permissions I need in this channel. Ask a server admin to give me **Send Messages** and **Attach Files** here (the channel's settings → Permissions), then try again.",
    );
    expect(accessHint('discord', undefined, 'here')).toContain('**View Channel**');
    expect(accessHint('discord', { reason: 'content_hidden' }, 'here')).toContain('**Apps** → **Animate image**');
  });
});
