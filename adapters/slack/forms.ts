/**
 * Private forms on Slack (pure): a neutral FormSpec → a modal for `views.open`, and the
 * `view_submission` that comes back → a SubmitInvocation. A modal is the private way to type a
 * secret: slash-command text can end up in logs, a modal's input goes to the app alone.
 *
 * Assumptions (Slack's Block Kit and modal docs): a modal's `title`, `submit` and `close` texts
 * hold at most 24 characters; an input label at most 2000, a placeholder at most 150; a
 * `plain_text_input` takes at most 3000 characters; `private_metadata` holds at most 3000
 * characters and comes back unchanged in the submission (users cannot edit it); submitted values
 * arrive as `view.state.values[block_id][action_id].value`; acking a submission with
 * `{response_action: 'errors', errors: {block_id: text}}` keeps the modal open with those errors.
 * Slack has no password-style input, so a secret field is only marked as such in its hint.
 */
import type { types } from '@slack/bolt';
import { z } from 'zod';
import type { SubmitInvocation } from '../../src/invocation.js';
import type { Actor } from '../../src/model.js';
import type { FormSpec } from '../../src/ports.js';

export const MODAL_LIMITS = { title: 24, label: 2000, placeholder: 150, input: 3000, metadata: 3000, blocks: 100 } as const;
/** Our modals' callback ids start with this; the rest is the FormSpec id (e.g. `connect:krea`). */
export const FORM_CALLBACK_PREFIX = 'gb1form|';
export const FORM_CALLBACK_ID = /^gb1form\|/;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** Where the form was opened, so the answer can go there privately (`home`: from the App Home, which is shown again after). */
const FormOrigin = z.object({ channel: z.string().min(1), thread: z.string().min(1).optional(), home: z.boolean().optional() });
export type FormOrigin = z.infer<typeof FormOrigin>;

export function toSlackModal(form: FormSpec, origin: FormOrigin): types.ModalView {
  const blocks = form.fields.slice(0, MODAL_LIMITS.blocks).map((f): types.InputBlock => ({
    type: 'input',
    block_id: f.id,
    label: plain(cut(f.label, MODAL_LIMITS.label)),
    ...(f.secret ? { hint: plain('Only the bot sees this; it is stored encrypted.') } : {}),
    element: {
      type: 'plain_text_input',
      action_id: f.id,
      ...(f.placeholder ? { placeholder: plain(cut(f.placeholder, MODAL_LIMITS.placeholder)) } : {}),
      // Pre-filled (Remix: the prompt and flags to edit); a paragraph box where the text is long.
      ...(f.value ? { initial_value: f.value.slice(0, Math.min(MODAL_LIMITS.input, f.maxLength ?? MODAL_LIMITS.input)) } : {}),
      ...(f.multiline ? { multiline: true } : {}),
      max_length: Math.min(MODAL_LIMITS.input, f.maxLength ?? MODAL_LIMITS.input),
    },
  }));
  return {
    type: 'modal',
    callback_id: `${FORM_CALLBACK_PREFIX}${form.id}`,
    title: plain(cut(form.title, MODAL_LIMITS.title)),
    submit: plain(cut(form.submitLabel ?? 'Save', 24)),
    close: plain('Cancel'),
    private_metadata: JSON.stringify(origin).slice(0, MODAL_LIMITS.metadata),
    blocks,
  };
}

/** The parts of a `view_submission` body we read. */
export const ViewSubmission = z.object({
  type: z.literal('view_submission'),
  team: z.object({ id: z.string().min(1) }).nullish(),
  user: z.object({ id: z.string().min(1), name: z.string().optional(), team_id: z.string().optional() }),
  view: z.object({
    id: z.string().min(1),
    callback_id: z.string(),
    private_metadata: z.string().default(''),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }).passthrough())) }),
  }),
});
export type ViewSubmission = z.infer<typeof ViewSubmission>;

export type ParsedSubmission =
  | { ok: true; invocation: SubmitInvocation; origin: FormOrigin }
  /** Not a form of ours, or from nowhere we can answer: ack and drop. */
  | { ok: false; reason: 'not_ours' }
  /** Empty required fields: shown in the modal, which stays open. */
  | { ok: false; reason: 'invalid'; errors: Record<string, string> };

/** The actor is not an admin here: the adapter looks that up after its ack and sets it. */
export function parseViewSubmission(raw: unknown, receivedAt: number): ParsedSubmission {
  const body = ViewSubmission.safeParse(raw);
  if (!body.success || !body.data.view.callback_id.startsWith(FORM_CALLBACK_PREFIX)) return { ok: false, reason: 'not_ours' };
  const { view, user } = body.data;
  const teamId = body.data.team?.id ?? user.team_id;
  let origin: FormOrigin;
  try {
    origin = FormOrigin.parse(JSON.parse(view.private_metadata));
  } catch {
    return { ok: false, reason: 'not_ours' };
  }
  if (!teamId) return { ok: false, reason: 'not_ours' };
  // One input block per field, each with one element whose action_id is the field id.
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const [blockId, elements] of Object.entries(view.state.values)) {
    const value = elements[blockId]?.value ?? '';
    values[blockId] = value;
    if (value.trim() === '') errors[blockId] = 'This cannot be empty.';
  }
  if (Object.keys(errors).length > 0) return { ok: false, reason: 'invalid', errors };
  const actor: Actor = { userId: user.id, isAdmin: false, ...(user.name ? { displayName: user.name } : {}) };
  const conversation = { platform: 'slack' as const, workspaceId: teamId, channelId: origin.channel, ...(origin.thread ? { threadId: origin.thread } : {}) };
  return {
    ok: true,
    origin,
    invocation: {
      kind: 'submit',
      // A view is submitted once; its id is stable if Slack delivers the submission again.
      id: `view:${view.id}`,
      platform: 'slack',
      workspaceId: teamId,
      actor,
      conversation,
      receivedAt,
      form: view.callback_id.slice(FORM_CALLBACK_PREFIX.length),
      values,
    },
  };
}
