/** `/generate <prompt> [flags]`: validate and enqueue; the worker posts the status message (so a failure never leaves an orphan card). */
import type { CommandRoute } from '../src/dispatcher.js';
import { productFlagValues } from './krev-products.js';
import { generateSpec } from './specs.js';
import { resolveRequest } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { startGeneration } from './start-generation.js';
import { startedView } from './replies.js';

export function createGenerateRoute(s: CommandServices): CommandRoute {
  return {
    spec: generateSpec,
    async run(invocation, args, responder) {
      const workspace = { platform: invocation.platform, workspaceId: invocation.workspaceId };
      const products = productFlagValues(invocation.text);
      const request = await resolveRequest(s, { workspace, args, attachments: invocation.attachments, ...(products ? { products } : {}) });
      const started = await startGeneration(s, {
        invocationId: invocation.id,
        workspace,
        actor: invocation.actor,
        placement: { kind: 'here', conversation: invocation.conversation },
        request,
      });
      await responder.settle?.(startedView(started));
    },
  };
}
