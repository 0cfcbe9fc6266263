/**
 * How the bot answers one Slack invocation, after its ack: through Bolt's `respond` (the
 * response_url of slash commands, shortcuts and buttons), ephemerally in the channel, in a DM,
 * or by opening a private form (a modal needs the trigger_id, valid 3 s after the user's action).
 * Views arrive already in Slack's voice (the dispatcher renders hint tokens).
 */
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../src/logger.js';
import type { FormSpec, Responder } from '../../src/ports.js';
import { textView, type MessageView } from '../../src/view.js';
import { toSlackModal, type FormOrigin } from './forms.js';
import { renderSlackMessage } from './render.js';

/** Where an answer may go when there is no response_url. */
export interface Place {
  channel: string;
  user: string;
  thread?: string;
}

/**
 * Private answers: `respond` when Bolt has one (works even where the bot is not a member),
 * otherwise an ephemeral message in the channel; public ones (`ephemeral: false`) are posted.
 */
export function ephemeralVia(respond: RespondFn | undefined, client: WebClient, place: Place): Responder {
  const thread = place.thread ? { thread_ts: place.thread } : {};
  return {
    async reply(view: MessageView, opts) {
      const message = renderSlackMessage(view);
      if (respond) {
        await respond({ ...message, response_type: opts?.ephemeral === false ? 'in_channel' : 'ephemeral', replace_original: false });
      } else if (opts?.ephemeral === false) {
        await client.chat.postMessage({ channel: place.channel, ...message, ...thread });
      } else {
        await client.chat.postEphemeral({ channel: place.channel, user: place.user, ...message, ...thread });
      }
    },
    async settle() {
      // Slack needs nothing more: the ack closed the request and the status message speaks.
    },
  };
}

/**
 * In a DM with the bot everything is private already: answers are ordinary messages in the
 * thread, so they stay (ephemeral ones vanish when the app reloads).
 */
export function directVia(client: WebClient, place: Place): Responder {
  return {
    async reply(view: MessageView) {
      await client.chat.postMessage({ channel: place.channel, ...renderSlackMessage(view), ...(place.thread ? { thread_ts: place.thread } : {}), unfurl_links: false, unfurl_media: false });
    },
    async settle() {},
  };
}

/** Adds private forms (a modal opened with the action's trigger_id) to a responder. */
export function withForm(responder: Responder, client: WebClient, triggerId: string, origin: FormOrigin, log: Logger): Responder {
  return {
    ...responder,
    async openForm(form: FormSpec) {
      try {
        await client.views.open({ trigger_id: triggerId, view: toSlackModal(form, origin) });
      } catch (err) {
        log.warn({ err, form: form.id }, 'views.open failed');
        await responder.reply(textView('The private form could not open in time. Please run the command again.'), { ephemeral: true });
      }
    },
  };
}

/**
 * After a form there is no response_url: answer privately in the channel the form came from,
 * or by DM when the bot cannot post there (not a member, a DM with someone else).
 */
export function privateVia(client: WebClient, origin: FormOrigin, user: string, log: Logger): Responder {
  return {
    async reply(view: MessageView) {
      const message = renderSlackMessage(view);
      try {
        await client.chat.postEphemeral({ channel: origin.channel, user, ...message, ...(origin.thread ? { thread_ts: origin.thread } : {}) });
      } catch (err) {
        log.info({ err }, 'could not answer a form in its channel; sending a DM');
        await client.chat.postMessage({ channel: user, ...message });
      }
    },
    async settle() {},
  };
}

/** Keeps what a command answers, for the App Home (which shows the views instead of sending them). */
export function collector(): Responder & { views: MessageView[] } {
  const views: MessageView[] = [];
  return {
    views,
    async reply(view: MessageView) {
      views.push(view);
    },
    async settle() {},
  };
}
