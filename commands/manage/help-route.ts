/** `help [command]`: from the same specs that drive parsing and registration. */
import type { CommandSpec } from '../../src/command.js';
import type { CommandRoute } from '../../src/dispatcher.js';
import { UserError } from '../../src/errors.js';
import { renderCommandHelp, renderHelp } from '../../src/help.js';
import type { PlatformKind } from '../../src/model.js';
import type { MessageView } from '../../src/view.js';
import { allSpecs, helpSpec } from '../specs.js';
import { str } from './common.js';

export function helpRoute(): CommandRoute {
  // The overview depends on the platform alone (the specs are fixed): built once per platform.
  const overviews = new Map<PlatformKind, MessageView>();
  const overview = (platform: PlatformKind): MessageView => {
    let view = overviews.get(platform);
    if (!view) overviews.set(platform, (view = renderHelp(allSpecs as CommandSpec[], platform)));
    return view;
  };
  return {
    spec: helpSpec,
    async run(inv, args, responder) {
      const name = str(args, 'command')?.replace(/^\//, '');
      const spec = name ? (allSpecs as CommandSpec[]).find((c) => c.name === name) : undefined;
      if (name && !spec) throw new UserError('not_found', `There is no \`${name}\` command.`);
      await responder.reply(spec ? renderCommandHelp(spec, inv.platform) : overview(inv.platform), { ephemeral: true });
    },
  };
}
