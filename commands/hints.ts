/**
 * The platform-aware hints commands use: every command, option or mention a user reads is written
 * the way their platform types it (Slack `/genbot models`, `--model`, `@genbot`; Discord
 * `/models`, `model:`). The syntax and the neutral tokens live in src/hints.ts, so the dispatcher
 * and the jobs speak the same way; this file binds them to the product's command specs.
 */
import type { PlatformKind } from '../src/model.js';
import { commandSyntax, hint, localizeView, mentionSyntax, optionSyntax, renderHints } from '../src/hints.js';
import type { MessageView } from '../src/view.js';
import { allSpecs } from './specs.js';

export { hint };

/** `/genbot models` on Slack, `/models` on Discord; args are written as Slack text (`flux --kind video`). */
export function commandHint(platform: PlatformKind, command: string, args = ''): string {
  return commandSyntax(platform, command, args, allSpecs);
}

/** `--ar 16:9` on Slack and the playground, `aspect_ratio:16:9` on Discord. */
export function optionHint(platform: PlatformKind, name: string, value?: string): string {
  return optionSyntax(platform, name, value, allSpecs);
}

/** `@genbot` (`@bot` in the playground). */
export function mentionHint(platform: PlatformKind): string {
  return mentionSyntax(platform);
}

/** Text holding hint tokens, rendered for one platform. */
export function localizeText(text: string, platform: PlatformKind): string {
  return renderHints(text, platform, allSpecs);
}

export function localize(view: MessageView, platform: PlatformKind): MessageView {
  return localizeView(view, platform, allSpecs);
}
