/**
 * The App Home tab (pure): the views the commands already answer with, put together for one
 * person and published with `views.publish`. Everyone sees their running and recent generations
 * (the `jobs` command: links and Cancel); admins also see the settings and the provider
 * connections (the `settings` and `credits` commands), with buttons that open the same private
 * forms as `/genbot connect` and `/genbot settings`, answered through the dispatcher.
 *
 * Assumptions (Slack's App Home and views.publish docs, Block Kit reference): a Home view is
 * `{type: "home", blocks, private_metadata?}` with at most 100 blocks; `private_metadata` (at most
 * 3,000 characters) comes back in every block_actions payload from the view as
 * `view.private_metadata`; an actions block holds at most 25 elements; a static_select at most
 * 100 options with plain_text labels of at most 75 characters, and its choice arrives as
 * `actions[0].selected_option.value`; a button's text holds at most 75 characters.
 */
import type { types } from '@slack/bolt';
import type { FormSpec } from '../../src/ports.js';

export const HOME_LIMITS = { blocks: 100, actionsElements: 25, options: 100, label: 75, metadata: 3000 } as const;
/** Home actions (buttons and selects that are not job buttons) start with this. */
export const HOME_ACTION = /^gb1home\|/;
const PREFIX = 'gb1home|';
/** Forms opened from the Home to change one setting: `setting:<name>`, or `setting` to name it in the form. */
export const SETTING_FORM = 'setting';

export interface HomeProvider {
  id: string;
  name: string;
}

export interface HomeParts {
  /** Blocks of the `jobs` answer (already rendered for Slack). */
  jobs: types.KnownBlock[];
  /** Admins only: blocks of the `settings` and `credits` answers, and what the buttons offer. */
  admin?: {
    settings: types.KnownBlock[];
    credits: types.KnownBlock[];
    providers: readonly HomeProvider[];
    /** The settings' names, for a menu; without them one button asks for the name in the form. */
    settingNames?: readonly string[];
  };
}

const plain = (text: string): types.PlainTextElement => ({ type: 'plain_text', text: text.length > HOME_LIMITS.label ? `${text.slice(0, HOME_LIMITS.label - 1)}…` : text });

export type HomeAction = { kind: 'connect'; provider: string } | { kind: 'setting'; name?: string } | { kind: 'refresh' };

export function homeActionId(action: HomeAction): string {
  switch (action.kind) {
    case 'connect':
      return `${PREFIX}connect|${action.provider}`;
    case 'setting':
      return `${PREFIX}setting`;
    case 'refresh':
      return `${PREFIX}refresh`;
  }
}

/** A click in the Home; a select's choice is the setting name. Undefined for anything else. */
export function parseHomeAction(action: { action_id: string; selected_option?: { value: string } | null }): HomeAction | undefined {
  if (!action.action_id.startsWith(PREFIX)) return undefined;
  const [kind, arg] = action.action_id.slice(PREFIX.length).split('|');
  if (kind === 'connect' && arg) return { kind: 'connect', provider: arg };
  if (kind === 'setting') return action.selected_option?.value ? { kind: 'setting', name: action.selected_option.value } : { kind: 'setting' };
  if (kind === 'refresh') return { kind: 'refresh' };
  return undefined;
}

/** The private form that changes one setting; its answer runs `settings <name> <value>`. */
export function settingForm(name?: string): FormSpec {
  return name
    ? { id: `${SETTING_FORM}:${name}`, title: 'Change a setting', fields: [{ id: 'value', label: `New value of ${name}`, maxLength: 200 }] }
    : { id: SETTING_FORM, title: 'Change a setting', fields: [{ id: 'setting', label: 'Setting (as listed in the Home)', maxLength: 50 }, { id: 'value', label: 'New value', maxLength: 200 }] };
}

/** The `settings` command text a submitted setting form stands for; undefined for other forms. */
export function settingCommandText(form: string, values: Record<string, string>): string | undefined {
  if (form !== SETTING_FORM && !form.startsWith(`${SETTING_FORM}:`)) return undefined;
  const name = form === SETTING_FORM ? (values['setting'] ?? '').trim() : form.slice(SETTING_FORM.length + 1);
  return `${name} ${(values['value'] ?? '').trim()}`.trim();
}

function adminActions(admin: NonNullable<HomeParts['admin']>): types.KnownBlock[] {
  const change: types.ActionsBlockElement =
    admin.settingNames && admin.settingNames.length > 0
      ? {
          type: 'static_select',
          action_id: homeActionId({ kind: 'setting' }),
          placeholder: plain('Change a setting…'),
          options: admin.settingNames.slice(0, HOME_LIMITS.options).map((n) => ({ text: plain(n), value: n })),
        }
      : { type: 'button', action_id: homeActionId({ kind: 'setting' }), text: plain('Change a setting') };
  const connect = admin.providers.slice(0, HOME_LIMITS.actionsElements - 1).map(
    (p): types.Button => ({ type: 'button', action_id: homeActionId({ kind: 'connect', provider: p.id }), text: plain(`Connect ${p.name}`), value: p.id }),
  );
  return [
    { type: 'actions', block_id: 'gb1home-settings', elements: [change] },
    ...(connect.length > 0 ? [{ type: 'actions' as const, block_id: 'gb1home-connect', elements: connect }] : []),
  ];
}

/** The Home view; `channel` is the user's DM with the app, where private answers go. */
export function toHomeView(parts: HomeParts, channel: string): types.HomeView {
  const refresh: types.KnownBlock = { type: 'actions', block_id: 'gb1home-refresh', elements: [{ type: 'button', action_id: homeActionId({ kind: 'refresh' }), text: plain('Refresh') }] };
  const blocks: types.KnownBlock[] = [...parts.jobs, refresh];
  if (parts.admin) {
    blocks.push(
      { type: 'divider' },
      { type: 'header', text: plain('Workspace (admins)') },
      ...parts.admin.settings,
      ...parts.admin.credits,
      ...adminActions(parts.admin),
    );
  }
  return { type: 'home', private_metadata: JSON.stringify({ channel }).slice(0, HOME_LIMITS.metadata), blocks: blocks.slice(0, HOME_LIMITS.blocks) };
}
