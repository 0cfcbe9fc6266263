import { describe, expect, it } from 'vitest';
import { ANIMATE_CONTEXT_MENU, COMMAND_LIMITS, sameCommands, toApplicationCommands } from '../../adapters/discord/commands-json.js';
import { allSpecs } from '../../commands/specs.js';
import type { CommandSpec } from '../../src/command.js';

const ratios = Array.from({ length: 30 }, (_, i) => `${i + 1}:1`);
const specs: CommandSpec[] = [
  {
    name: 'generate',
    description: 'Generate images from a prompt',
    examples: [],
    params: [
      { name: 'aspect_ratio', kind: 'string', description: 'Aspect ratio', choices: ratios.map((r) => ({ name: r, value: r })) },
      { name: 'prompt', kind: 'string', description: 'What to make', required: true, rest: true, maxLength: 9000 },
      { name: 'count', kind: 'integer', description: 'How many', min: 1, max: 4 },
      { name: 'guidance', kind: 'number', description: 'Guidance', min: 0.5 },
      { name: 'model', kind: 'string', description: 'Model id', autocomplete: true, maxLength: 100, choices: [{ name: 'a', value: 'a' }] },
      { name: 'video', kind: 'boolean', description: 'Make a video', flagOnly: true },
      { name: 'image', kind: 'attachment', description: 'Input image', multiple: 3 },
    ],
  },
  { name: 'internal', description: 'Hidden re-run', examples: [], params: [], hidden: true },
  { name: 'credits', description: 'x'.repeat(150), examples: [], params: [] },
];

describe('toApplicationCommands', () => {
  it('turns the shared specs into CHAT_INPUT commands plus the "Animate image" message command', () => {
    expect(toApplicationCommands(specs)).toEqual([
      {
        name: 'generate',
        type: 1,
        description: 'Generate images from a prompt',
        contexts: [0, 1],
        integration_types: [0],
        options: [
          // Required first (Discord refuses them after optional ones), otherwise in spec order.
          { type: 3, name: 'prompt', description: 'What to make', required: true, max_length: 6000 },
          { type: 3, name: 'aspect_ratio', description: 'Aspect ratio', choices: ratios.slice(0, 25).map((r) => ({ name: r, value: r })) },
          { type: 4, name: 'count', description: 'How many', min_value: 1, max_value: 4 },
          { type: 10, name: 'guidance', description: 'Guidance', min_value: 0.5 },
          // Autocomplete wins over fixed choices (Discord allows only one of them).
          { type: 3, name: 'model', description: 'Model id', autocomplete: true, max_length: 100 },
          { type: 5, name: 'video', description: 'Make a video' },
          { type: 11, name: 'image', description: 'Input image' },
          { type: 11, name: 'image2', description: 'Another input image' },
          { type: 11, name: 'image3', description: 'Another input image' },
        ],
      },
      { name: 'credits', type: 1, description: `${'x'.repeat(99)}…`, contexts: [0, 1], integration_types: [0] },
      { name: ANIMATE_CONTEXT_MENU, type: 3, description: '', contexts: [0, 1], integration_types: [0] },
    ]);
  });

  it('hides /connect and /settings from members without Manage Server; everything else is for everyone', () => {
    const commands = toApplicationCommands(allSpecs);
    const byName = new Map(commands.map((c) => [c.name, c]));
    // Manage Guild is 1 << 5, sent as a decimal string.
    expect(byName.get('connect')!.default_member_permissions).toBe('32');
    expect(byName.get('settings')!.default_member_permissions).toBe('32');
    for (const c of commands.filter((x) => !['connect', 'settings'].includes(x.name))) expect(c.default_member_permissions).toBeUndefined();
    for (const c of commands) {
      // Guild installs; admin commands in guilds only (Guild 0), the rest in the bot's DM too
      // (BotDM 1); never PrivateChannel (2, user installs only). dm_permission is not sent.
      expect(c.contexts).toEqual(['connect', 'settings'].includes(c.name) ? [0] : [0, 1]);
      expect(c.integration_types).toEqual([0]);
      expect(c).not.toHaveProperty('dm_permission');
    }
  });

  it('keeps every real command within Discord limits', () => {
    const commands = toApplicationCommands(allSpecs);
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['generate', 'animate', ANIMATE_CONTEXT_MENU]));
    for (const c of commands.filter((x) => x.type === 1)) {
      expect(c.name).toMatch(/^[a-z0-9_-]{1,32}$/);
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.description.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
      const options = c.options ?? [];
      expect(options.length).toBeLessThanOrEqual(COMMAND_LIMITS.options);
      const firstOptional = options.findIndex((o) => !o.required);
      if (firstOptional >= 0) expect(options.slice(firstOptional).some((o) => o.required)).toBe(false);
      for (const o of options) {
        expect(o.name).toMatch(/^[a-z0-9_-]{1,32}$/);
        expect((o.choices ?? []).length).toBeLessThanOrEqual(COMMAND_LIMITS.choices);
        expect(o.choices && o.autocomplete).toBeFalsy();
      }
    }
  });

  it('refuses a spec with more options than Discord allows', () => {
    const many: CommandSpec = { name: 'big', description: 'd', examples: [], params: Array.from({ length: 26 }, (_, i) => ({ name: `p${i}`, kind: 'string' as const, description: 'p' })) };
    expect(() => toApplicationCommands([many])).toThrow(/26 options/);
  });
});

describe('sameCommands', () => {
  const wanted = toApplicationCommands(specs);
  // What GET answers: ids, versions and fields Discord fills in, in another order.
  const registered = [...wanted].reverse().map((c, i) => ({
    id: String(i + 1), application_id: '1', version: '7', default_member_permissions: null, nsfw: false,
    ...c,
    ...(c.options ? { options: c.options.map((o) => ({ ...o, required: o.required ?? false, description_localizations: null })) } : {}),
  }));

  it('sees no difference when only Discord-added fields differ', () => {
    expect(sameCommands(registered, wanted)).toBe(true);
  });

  it('sees a changed choice, a changed limit and a missing command', () => {
    const changed = structuredClone(registered);
    (changed.find((c) => c.name === 'generate')!.options![2] as { max_value?: number }).max_value = 8;
    expect(sameCommands(changed, wanted)).toBe(false);
    expect(sameCommands(registered.filter((c) => c.name !== 'credits'), wanted)).toBe(false);
    expect(sameCommands([], wanted)).toBe(false);
  });

  it('sees a changed default_member_permissions (registered before the admin-only change) and missing integration_types', () => {
    const real = toApplicationCommands(allSpecs);
    const registeredReal = real.map((c, i) => ({ id: String(i + 1), version: '1', ...c, default_member_permissions: c.default_member_permissions ?? null }));
    expect(sameCommands(registeredReal, real)).toBe(true);
    const oldConnect = registeredReal.map((c) => (c.name === 'connect' ? { ...c, default_member_permissions: null } : c));
    expect(sameCommands(oldConnect, real)).toBe(false);
    const noIntegrationTypes = registeredReal.map(({ integration_types: _drop, ...c }) => c);
    expect(sameCommands(noIntegrationTypes, real)).toBe(false);
  });
});
