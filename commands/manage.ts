/**
 * Management commands, one file each under ./manage/: models, products, credits, jobs, settings,
 * connect, help. Everyone may look; changing settings, connecting keys and adding products is for
 * workspace admins.
 */
import type { CommandRoute } from '../src/dispatcher.js';
import { UserError } from '../src/errors.js';
import type { SubmitInvocation } from '../src/invocation.js';
import type { Responder } from '../src/ports.js';
import { CONNECT_FORM, connectKey, connectRoute } from './manage/connect-route.js';
import { creditsRoute } from './manage/credits-route.js';
import { helpRoute } from './manage/help-route.js';
import { jobsRoute } from './manage/jobs-route.js';
import { modelsRoute } from './manage/models-route.js';
import { productsRoute } from './manage/products-route.js';
import { settingsRoute } from './manage/settings-route.js';
import type { CommandServices } from './services.js';

export { CONNECT_FORM } from './manage/connect-route.js';

export function createSubmitHandler(s: CommandServices) {
  return async function handleSubmit(inv: SubmitInvocation, responder: Responder): Promise<void> {
    const [form, provider] = inv.form.split(':');
    if (form !== CONNECT_FORM || !provider) return;
    const key = inv.values['key'] ?? '';
    if (!key.trim()) throw new UserError('missing_value', 'The key was empty.');
    await connectKey(s, inv, provider, key, responder, false);
  };
}

export function createManagementRoutes(s: CommandServices): Record<string, CommandRoute> {
  const routes = [modelsRoute(s), productsRoute(s), creditsRoute(s), jobsRoute(s), settingsRoute(s), connectRoute(s), helpRoute()];
  return Object.fromEntries(routes.map((r) => [r.spec.name, r]));
}
