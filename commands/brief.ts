/**
 * `brief <message> [--product x] [--agent asset]`: a generation on Krev's creative agent
 * (`chat/krev/agent`). The message is the prompt, products come from the Krev catalog like on
 * /generate, attached images are the agent's references. The normal pipeline runs it: status
 * card, progress, Cancel (which only stops following the run: Krev cannot stop one), and
 * delivery of the run's images and the agent's answer into the thread.
 */
import type { CommandArgs } from '../src/command.js';
import type { CommandRoute } from '../src/dispatcher.js';
import type { Actor, MediaRef, WorkspaceRef } from '../src/model.js';
import { KREV_AGENT_MODEL_ID, PRODUCT_PROVIDER, productFlagValues } from './krev-products.js';
import { startedView } from './replies.js';
import { resolveRequest } from './resolve-request.js';
import type { CommandServices } from './services.js';
import { briefSpec } from './specs.js';
import { ensureProvider, startGeneration, type Placement, type StartedGeneration } from './start-generation.js';

export const AGENTS = ['auto', 'asset', 'discover'] as const;

export interface BriefStart {
  invocationId: string;
  workspace: WorkspaceRef;
  actor: Actor;
  placement: Placement;
  /** Parsed with briefSpec: message, product, agent (attachment args are ignored: pass `attachments`). */
  args: CommandArgs;
  attachments: MediaRef[];
  /** Every `--product` of the text, when it came as text. */
  products?: string[];
}

export async function startBrief(s: CommandServices, start: BriefStart): Promise<StartedGeneration> {
  // Krev first: with no Krev (or no key) the answer says so, not "unknown model".
  await ensureProvider(s, start.workspace, PRODUCT_PROVIDER);
  const agent = typeof start.args['agent'] === 'string' && (AGENTS as readonly string[]).includes(start.args['agent']) ? start.args['agent'] : undefined;
  const args: CommandArgs = {
    prompt: start.args['message'],
    model: KREV_AGENT_MODEL_ID,
    ...(typeof start.args['product'] === 'string' ? { product: start.args['product'] } : {}),
  };
  const media = [...start.attachments, ...(Array.isArray(start.args['image']) ? (start.args['image'] as MediaRef[]) : [])];
  const request = await resolveRequest(s, { workspace: start.workspace, args, attachments: media, ...(start.products ? { products: start.products } : {}) });
  const withAgent = agent ? { ...request, params: { ...request.params, agent } } : request;
  return startGeneration(s, { invocationId: start.invocationId, workspace: start.workspace, actor: start.actor, placement: start.placement, request: withAgent });
}

export function createBriefRoute(s: CommandServices): CommandRoute {
  return {
    spec: briefSpec,
    async run(invocation, args, responder) {
      const workspace = { platform: invocation.platform, workspaceId: invocation.workspaceId };
      const products = productFlagValues(invocation.text);
      const started = await startBrief(s, {
        invocationId: invocation.id,
        workspace,
        actor: invocation.actor,
        placement: { kind: 'here', conversation: invocation.conversation },
        args,
        attachments: invocation.attachments,
        ...(products ? { products } : {}),
      });
      await responder.settle?.(startedView(started));
    },
  };
}
