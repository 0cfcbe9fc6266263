/** All routes of the product, for the dispatcher. */
import type { ArgumentParsers, Routes } from '../src/dispatcher.js';
import { createActionHandler } from './actions.js';
import { createAnimateRoute } from './animate.js';
import { createAutocompleteHandler } from './autocomplete.js';
import { createBriefRoute } from './brief.js';
import { createGenerateRoute } from './generate.js';
import { createManagementRoutes, createSubmitHandler } from './manage.js';
import { createMentionHandler } from './mention.js';
import { createRemixSubmitHandler, remixJobId } from './remix.js';
import { createReactionHandler } from './reaction.js';
import type { CommandServices } from './services.js';
import { createShortcutHandler } from './shortcut.js';

export function createRoutes(s: CommandServices, parsers: ArgumentParsers): Routes {
  const generate = createGenerateRoute(s);
  const animate = createAnimateRoute(s);
  const brief = createBriefRoute(s);
  const manageSubmit = createSubmitHandler(s);
  const remixSubmit = createRemixSubmitHandler(s);
  return {
    commands: { [generate.spec.name]: generate, [animate.spec.name]: animate, [brief.spec.name]: brief, ...createManagementRoutes(s) },
    action: createActionHandler(s),
    reaction: createReactionHandler(s),
    mention: createMentionHandler(s, parsers),
    shortcut: createShortcutHandler(s, parsers),
    autocomplete: createAutocompleteHandler(s),
    // Forms: Remix (`remix:<jobId>`) re-runs an edited prompt; the rest are the admin forms (connect).
    submit: (inv, responder) => (remixJobId(inv.form) ? remixSubmit(inv, responder) : manageSubmit(inv, responder)),
  };
}
