/**
 * `@bot <prompt> [flags]` — the way to generate inside a thread, where Slack allows no slash
 * commands, and a direct message to the bot (Slack `message.im`, Discord DMs) reads the same way.
 * The result goes into the thread of the message (Slack, the playground) or right after it where
 * the platform has no threads there (a Discord DM). `@bot animate` animates the latest image in
 * the thread; `--thread-images` uses the thread's images.
 */
import type { CommandArgs } from '../src/command.js';
import type { ArgumentParsers } from '../src/dispatcher.js';
import { UserError } from '../src/errors.js';
import type { MentionInvocation } from '../src/invocation.js';
import type { Responder } from '../src/ports.js';
import { renderHelp } from '../src/help.js';
import { animateImage, imagesOf, NO_IMAGE_MESSAGE } from './animate.js';
import { resolveRequest } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { allSpecs, generateSpec } from './specs.js';
import { startGeneration } from './start-generation.js';

const USE_THREAD = /(^|\s)--thread-images(\s|$)/;

export function createMentionHandler(s: CommandServices, parsers: ArgumentParsers) {
  return async function handleMention(invocation: MentionInvocation, responder: Responder): Promise<void> {
    const workspace = { platform: invocation.platform, workspaceId: invocation.workspaceId };
    const text = invocation.text.trim();
    // The thread of the mention (its own thread at top level); the platform decides what a thread is.
    const placement = { kind: 'thread-of' as const, message: invocation.message };

    if (text === '' || /^help\b/i.test(text)) {
      await responder.reply(renderHelp(allSpecs, invocation.platform), { ephemeral: true });
      return;
    }

    const animate = /^animate\b/i.exec(text);
    if (animate) {
      const rest = text.slice(animate[0].length).trim();
      const images = imagesOf([...invocation.attachments, ...(invocation.threadMedia ?? []).slice().reverse()]);
      const image = images[0];
      if (!image) throw new UserError('missing_value', NO_IMAGE_MESSAGE);
      const args: CommandArgs = rest ? parsers.fromText(generateSpec, rest) : {};
      await animateImage(s, { invocationId: invocation.id, workspace, actor: invocation.actor, image, placement, args });
      return;
    }

    const useThread = USE_THREAD.test(text);
    const args = parsers.fromText(generateSpec, text.replace(USE_THREAD, ' ').trim());
    const attachments = [...invocation.attachments, ...(useThread ? imagesOf(invocation.threadMedia ?? []).slice(-3) : [])];
    const request = await resolveRequest(s, { workspace, args, attachments });
    await startGeneration(s, { invocationId: invocation.id, workspace, actor: invocation.actor, placement, request });
  };
}
