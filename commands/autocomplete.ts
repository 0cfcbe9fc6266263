/**
 * Discord autocomplete for `model`: answered from the cached catalog only (autocomplete must
 * answer within 3 s and cannot be deferred), at most 25 choices, best matches first.
 */
import type { ModelInfo } from '../src/catalog.js';
import type { AutocompleteInvocation } from '../src/invocation.js';
import type { Responder } from '../src/ports.js';
import type { CommandServices } from './services.js';

export const MAX_CHOICES = 25;

function label(model: ModelInfo): string {
  const eta = model.averageSeconds ? ` · ~${Math.round(model.averageSeconds)}s` : '';
  const text = `${model.id}${eta}${model.deprecated ? ' · deprecated' : ''}`;
  return text.length > 100 ? text.slice(0, 100) : text;
}

export function modelChoices(models: ModelInfo[], partial: string, kind?: ModelInfo['kind']): Array<{ name: string; value: string }> {
  const q = partial.trim().toLowerCase();
  const scored = models
    .filter((m) => !kind || m.kind === kind)
    .map((m) => {
      const id = m.id.toLowerCase();
      const score = q === '' ? 1 : id.startsWith(q) ? 3 : id.split('/').some((p) => p.startsWith(q)) ? 2 : id.includes(q) ? 1 : 0;
      return { m, score };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || Number(a.m.deprecated) - Number(b.m.deprecated) || a.m.id.localeCompare(b.m.id));
  return scored.slice(0, MAX_CHOICES).map(({ m }) => ({ name: label(m), value: m.id }));
}

export function createAutocompleteHandler(s: CommandServices) {
  return async function handleAutocomplete(invocation: AutocompleteInvocation, responder: Responder): Promise<void> {
    if (!responder.choices) return;
    if (invocation.option !== 'model') return responder.choices([]);
    const cached = s.catalog.cached('krea');
    if (cached.length === 0) {
      // Warm the cache for the next keystroke; answer now with nothing rather than time out.
      void s.catalog.list('krea').catch((err: unknown) => s.logger.warn({ err }, 'catalog warm-up failed'));
    }
    const kind = invocation.command === 'animate' ? 'video' : undefined;
    await responder.choices(modelChoices(cached, invocation.partial, kind));
  };
}
