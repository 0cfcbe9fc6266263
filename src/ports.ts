/**
 * The ports: what the core needs from the world, and nothing more. Concrete implementations live
 * in adapters/ and jobs/; only src/main/ puts them together. Every I/O method takes an AbortSignal.
 */
import type { PlatformError } from './errors.js';
import type { ModelInfo } from './catalog.js';
import type { Cost, CostUnit, GenerationJob, GenerationRequest, HostedMedia, NewGenerationJob, Operation, ProviderId, ProviderStatus } from './generation.js';
import type { Actor, ConversationRef, MediaFile, MediaRef, MessageRef, PlatformKind, WorkspaceRef } from './model.js';
import type { MessageView } from './view.js';

// ---------------------------------------------------------------- chat platforms

export interface OutgoingFile extends MediaFile {
  altText?: string;
}

export interface UploadResult {
  /**
   * Platform-hosted references to what was uploaded, in the order of the files (for the index of
   * bot messages and the final status card); `fileId` where the platform shows files by id (Slack).
   */
  media: HostedMedia[];
  /** The message(s) that now hold the files, when the platform tells. */
  messages: MessageRef[];
}

/** Outbound only and stateless: built from a workspace's token; workers need nothing else. */
export interface ChatPlatform {
  readonly platform: PlatformKind;
  /** `reserved`: the caller already holds a slot from `reserve` (the call is not paced again). */
  post(to: ConversationRef, view: MessageView, signal?: AbortSignal, options?: { reserved?: boolean }): Promise<MessageRef>;
  /**
   * `progress` edits are best effort: a rate-limited platform throws PlatformError('rate_limited')
   * at once instead of queueing. `final` edits wait and retry.
   */
  update(message: MessageRef, view: MessageView, options: { priority: 'progress' | 'final'; reserved?: boolean }, signal?: AbortSignal): Promise<void>;
  /**
   * Platforms that pace themselves under published limits (Slack): reserves the next slot for a
   * status post or a final edit there and says how many ms until it. A job then waits for its
   * slot as a delay (no worker held) and makes the call with `reserved`, keeping its place in line.
   */
  reserve?(call: 'post' | 'final-edit', where: ConversationRef | MessageRef): Promise<number>;
  /** A thread under `message` (Slack: its ts; Discord: a thread started from it). Idempotent. */
  openThread(message: MessageRef, name: string, signal?: AbortSignal): Promise<ConversationRef>;
  /** The thread under `message` when naming it takes no call (Slack: a top-level message's ts), else undefined. */
  threadOf?(message: MessageRef): ConversationRef | undefined;
  upload(to: ConversationRef, files: OutgoingFile[], options: { comment?: string }, signal?: AbortSignal): Promise<UploadResult>;
  /**
   * A file of this name the bot uploaded to `to` since `sinceMs`, if any: after a crash between an
   * upload and its bookkeeping, the job adopts it instead of posting it twice.
   */
  findUpload?(to: ConversationRef, name: string, sinceMs: number, signal?: AbortSignal): Promise<{ message: MessageRef; media?: HostedMedia } | undefined>;
  /** The largest file `upload` accepts in that conversation. */
  maxUploadBytes(to: ConversationRef, signal?: AbortSignal): Promise<number>;
  /** Downloads a platform-hosted file with the platform's credentials, refusing more than maxBytes. */
  download(media: MediaRef, options: { maxBytes: number }, signal?: AbortSignal): Promise<MediaFile>;
  /** Media attached to / linked from a message the bot did not post (history APIs). */
  fetchMessageMedia(message: MessageRef, signal?: AbortSignal): Promise<MediaRef[]>;
  delete(message: MessageRef, signal?: AbortSignal): Promise<void>;
  postEphemeral(to: ConversationRef, userId: string, view: MessageView, signal?: AbortSignal): Promise<void>;
  /** A private message to one user (a DM), with files when given (a CSV export); also for when the channel cannot be used. */
  directMessage(workspace: WorkspaceRef, userId: string, view: MessageView, signal?: AbortSignal, files?: OutgoingFile[]): Promise<void>;
  /**
   * Whether `userId` may read messages in `conversation`, so a pasted link cannot make the bot
   * fetch from a channel the user cannot see. False when unknown or the lookup fails.
   */
  userCanRead(conversation: ConversationRef, userId: string, signal?: AbortSignal): Promise<boolean>;
}

/** Why a download was refused, as platform adapters read it to explain (an expired link, a sign-in page). */
export interface DownloadRefusal {
  reason: string;
  /** The HTTP status, when the server answered. */
  status?: number | undefined;
  /** The Content-Type the server declared, when the body was not what was asked for. */
  declaredType?: string | undefined;
}

/** A platform's own file (a Slack upload, a Discord attachment) to download on a user's behalf. */
export interface PlatformFileRequest {
  platform: 'slack' | 'discord';
  media: MediaRef;
  maxBytes: number;
  signal?: AbortSignal | undefined;
  /** The platform's credential, sent only where `authorizedOrigin` says yes. */
  headers?: Record<string, string>;
  authorizedOrigin?: (url: URL) => boolean;
  /** The platform's reading of a refusal; undefined keeps the generic one. */
  explain?: (refusal: DownloadRefusal) => PlatformError | undefined;
}

/** Downloads platform files through the SSRF-safe fetcher (wired in src/main; adapters/net implements it). */
export type PlatformFileDownloader = (request: PlatformFileRequest) => Promise<MediaFile>;

/** Finds the ChatPlatform for a workspace (looks up the installation's token). */
export interface PlatformDirectory {
  forWorkspace(workspace: WorkspaceRef, signal?: AbortSignal): Promise<ChatPlatform>;
}

/** Per invocation, built by the adapter after its ack. */
export interface Responder {
  reply(view: MessageView, options?: { ephemeral?: boolean }): Promise<void>;
  /** Autocomplete answers (Discord). */
  choices?(choices: Array<{ name: string; value: string }>): Promise<void>;
  /**
   * The invocation succeeded and the visible result is elsewhere (e.g. the status message).
   * Adapters that hold a deferred response open (Discord) close it with this short view;
   * adapters whose ack already settled everything (Slack) ignore it.
   */
  settle?(view: MessageView): Promise<void>;
  /** Ask for private input (Discord modal). Adapters that cannot, leave it undefined. */
  openForm?(form: FormSpec): Promise<void>;
}

export interface FormSpec {
  id: string;
  title: string;
  /** What the submit button says (default: the adapter's "Save"). */
  submitLabel?: string;
  /** `value` pre-fills a field (e.g. Remix: the prompt and flags to edit); `multiline` asks for a paragraph box. */
  fields: Array<{ id: string; label: string; placeholder?: string; secret?: boolean; maxLength?: number; value?: string; multiline?: boolean }>;
}

// ---------------------------------------------------------------- generation providers

export interface ProviderCredentials {
  apiKey: string;
}

export interface ProviderCallContext {
  credentials: ProviderCredentials;
  signal?: AbortSignal;
}

/** What `submit` receives: the neutral request with inputs already hosted by the provider. */
export interface ProviderSubmitRequest extends Omit<GenerationRequest, 'inputs' | 'count'> {
  inputs: Array<{ role: GenerationRequest['inputs'][number]['role']; url: string }>;
  /** Which submit of the job this is (0-based), when `batches` split the outputs over several. */
  index: number;
  /** How many outputs this one submit should make (see `batches`). */
  outputs: number;
  webhookUrl?: string;
}

/**
 * What a provider can do at all; what each model takes is in its ModelInfo.params. The core
 * refuses what a provider cannot do with the reason, and never silently drops an option.
 */
export interface ProviderCapabilities {
  /** A running job can be stopped at the provider (otherwise Cancel only stops the delivery). */
  cancel: boolean;
  /** `status` reports real progress percentages (otherwise the bot estimates them from time). */
  progress: boolean;
  /** `balance` reads the account's remaining credit. */
  balance: boolean;
  /** `listRecentJobs` exists, so a submit whose answer was lost can be found instead of repeated. */
  reconcile: boolean;
  /** The provider calls a URL when a job ends. */
  webhooks: boolean;
}

/** A job the provider knows about, as listed for reconciliation. */
export interface RecentProviderJob {
  providerJobId: string;
  /** ms since 1970, the provider's own clock. */
  createdAt: number;
  /** The model, when the listing tells (Krea's does not). */
  modelId?: string;
}

export interface GenerationProvider {
  readonly id: ProviderId;
  readonly displayName: string;
  readonly capabilities: ProviderCapabilities;
  listModels(options: { signal?: AbortSignal }): Promise<ModelInfo[]>;
  submit(request: ProviderSubmitRequest, ctx: ProviderCallContext): Promise<Operation>;
  status(operation: Operation, ctx: ProviderCallContext): Promise<ProviderStatus>;
  /** Best effort; returns the job's state read again after the cancel. */
  cancel?(operation: Operation, ctx: ProviderCallContext): Promise<ProviderStatus>;
  /** Hosts an input file with the provider; returns the URL to pass to submit. */
  uploadInput?(file: MediaFile, ctx: ProviderCallContext): Promise<string>;
  /** Validates a key with an authenticated read; names the account when the API tells. */
  checkCredentials?(ctx: ProviderCallContext): Promise<{ account?: string }>;
  /** Balance/credits, where the provider has an endpoint. */
  balance?(ctx: ProviderCallContext): Promise<{ text: string; remaining?: number; unit?: CostUnit } | undefined>;
  /** The cost of a request before it is sent, from the provider's published prices. */
  estimateCost?(request: GenerationRequest, model: ModelInfo): Cost | undefined;
  /** How `count` outputs are split over submits; default one output per submit. */
  batches?(count: number, model: ModelInfo): number[];
  /** Jobs of this key created at or after `since` (ms), newest first. */
  listRecentJobs?(since: number, ctx: ProviderCallContext): Promise<RecentProviderJob[]>;
  /** The operation for a job found by `listRecentJobs` (adopted after an uncertain submit). */
  adopt?(job: RecentProviderJob, request: ProviderSubmitRequest): Operation;
  /** Turns a webhook body into a job id and status, or undefined if it is not one of this provider's. */
  parseWebhook?(body: unknown): { providerJobId: string; status: ProviderStatus } | undefined;
}

/** Cached catalog over all providers: fast reads for autocomplete and validation. */
export interface ModelCatalog {
  get(provider: ProviderId, modelId: string, signal?: AbortSignal): Promise<ModelInfo | undefined>;
  list(provider: ProviderId, signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Synchronous, from whatever is cached: autocomplete cannot wait. */
  cached(provider: ProviderId): ModelInfo[];
}

// ---------------------------------------------------------------- queue

export type CancelResult = 'requested' | 'already_finished' | 'not_found';

export interface GenerationQueue {
  /** Enqueues once per job id: `created` is false when the job already existed. */
  enqueue(job: NewGenerationJob): Promise<{ created: boolean }>;
  get(jobId: string): Promise<GenerationJob | undefined>;
  /** Sets the cancel flag (checked at every step) and wakes a delayed job. `by` is shown to users. */
  requestCancel(jobId: string, by?: Actor): Promise<CancelResult>;
  /** The requester confirmed a costly job: it wakes and goes on. */
  confirm(jobId: string): Promise<CancelResult>;
  /** Jobs of a workspace that are not finished (for concurrency limits and /jobs). */
  activeCount(workspace: WorkspaceRef): Promise<number>;
  /** Those jobs themselves, oldest first (at most `limit`). */
  listActive(workspace: WorkspaceRef, limit?: number): Promise<GenerationJob[]>;
}

// ---------------------------------------------------------------- stores (Redis)

/** First-come claim on a key, for dedupe of redelivered events. */
export interface DedupeStore {
  claim(key: string, ttlSeconds: number): Promise<boolean>;
}

/** Who connected a workspace's key, and whether the provider has since rejected it. */
export interface CredentialInfo {
  connectedBy?: string;
  connectedAt?: number;
  /** When a job found the key rejected (revoked, deleted): the key stays until an admin replaces or removes it. */
  rejectedAt?: number;
}

export interface CredentialStore {
  get(workspace: WorkspaceRef, provider: ProviderId): Promise<ProviderCredentials | undefined>;
  set(workspace: WorkspaceRef, provider: ProviderId, credentials: ProviderCredentials, info?: CredentialInfo): Promise<void>;
  delete(workspace: WorkspaceRef, provider?: ProviderId): Promise<void>;
  info(workspace: WorkspaceRef, provider: ProviderId): Promise<CredentialInfo | undefined>;
  /** Records that the provider rejected the key; true only the first time (so admins are told once). */
  markRejected(workspace: WorkspaceRef, provider: ProviderId, at: number): Promise<boolean>;
}

export interface WorkspaceSettings {
  defaultProvider: ProviderId;
  defaultImageModel: string;
  defaultVideoModel: string;
  defaultUpscaleModel: string;
  /** Emoji that starts an image-to-video job (no colons). */
  animateEmoji: string;
  cancelEmoji: string;
  /** Jobs running at once per workspace; more wait in line. */
  maxConcurrentJobs: number;
  /** Jobs one person may have running or waiting at once (0: no limit). */
  maxConcurrentPerUser: number;
  /** Jobs one person may start per UTC day (0: no limit). */
  maxJobsPerUserPerDay: number;
  /** What the workspace may spend per UTC day, per unit; a unit that is absent has no limit. */
  dailySpend: Partial<Record<CostUnit, number>>;
  /** A job estimated above this (per unit) waits for its requester to click Confirm. */
  confirmAbove: Partial<Record<CostUnit, number>>;
  /** Channels where generations may run (empty: everywhere the bot is). */
  allowedChannels: string[];
  /** Whether the animate emoji starts jobs. */
  reactionsEnabled: boolean;
  /** Whether the operator's server-wide provider keys may be used when the workspace has none. */
  useServerKeys: boolean;
}

export interface SettingsStore {
  get(workspace: WorkspaceRef): Promise<WorkspaceSettings>;
  update(workspace: WorkspaceRef, patch: Partial<WorkspaceSettings>): Promise<WorkspaceSettings>;
  delete(workspace: WorkspaceRef): Promise<void>;
}

export interface IndexedMessage {
  jobId: string;
  role: 'status' | 'result';
  requesterId: string;
  media: MediaRef[];
}

/** Messages the bot posted, so a reaction on them needs no history call. */
export interface MessageIndex {
  remember(message: MessageRef, entry: IndexedMessage): Promise<void>;
  lookup(message: Pick<MessageRef, 'platform' | 'workspaceId' | 'channelId' | 'messageId'>): Promise<IndexedMessage | undefined>;
  deleteWorkspace(workspace: WorkspaceRef): Promise<void>;
}

/**
 * One job at a time per message and emoji (🎬 on a message): while its job runs, more reactions
 * add nothing; once it ended, a new reaction starts a new job. A refused reaction holds nothing.
 */
export interface ReactionLocks {
  /** Takes the lock for `jobId`; answers the job holding it when another one does. */
  claim(workspace: WorkspaceRef, key: string, jobId: string): Promise<{ ok: true } | { ok: false; holder: string }>;
  /** Takes the lock from `holder` (a job that has ended) for `jobId`; false when it changed meanwhile. */
  replace(workspace: WorkspaceRef, key: string, holder: string, jobId: string): Promise<boolean>;
  /** Gives the lock up, if `jobId` still holds it. */
  release(workspace: WorkspaceRef, key: string, jobId: string): Promise<void>;
}

/** Per-workspace budget of best-effort message edits, shared by all processes. */
export interface EditBudget {
  tryTake(workspace: WorkspaceRef): Promise<boolean>;
}

/** A platform's published limit for one kind of call: so many per minute, with a burst allowance. */
export interface PaceRule {
  perMinute: number;
  /** Calls that may go back to back before the per-minute spacing applies (at least 1). */
  burst: number;
}

/**
 * Spaces a platform's calls so the bot stays under its limits instead of meeting 429s, shared by
 * every process (the limits are per app per workspace, not per process). A slot is reserved
 * ahead of time: the caller waits until it, so calls keep the order they asked in.
 */
export interface CallPacer {
  /**
   * Reserves the next slot for `call` (a method, or a method in one channel) in a workspace when it comes within `maxWaitMs`, and says how long until it
   * (`taken: true`); otherwise reserves nothing and says how long the wait would be. `keep` slots
   * of the burst are left for calls that must go (a best-effort call only takes a spare slot).
   */
  take(workspace: WorkspaceRef, call: string, rule: PaceRule, options: { maxWaitMs: number; keep?: number }): Promise<{ taken: boolean; waitMs: number }>;
}

/** Small generic key/value with TTL, for adapters' own state (e.g. Slack installations). */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What an admin limits; an absent limit is no limit. Days are UTC. */
export interface UsageLimits {
  /** Jobs one person may have running (or waiting) at once. */
  maxConcurrentPerUser?: number;
  /** Jobs one person may start per day. */
  maxJobsPerUserPerDay?: number;
  /** What the workspace may spend per day, per unit (units differ between providers). */
  dailySpend?: Partial<Record<CostUnit, number>>;
}

export type QuotaLimit = 'user_concurrent' | 'user_daily_jobs' | 'daily_spend';

export type QuotaDecision =
  | { ok: true }
  | { ok: false; limit: QuotaLimit; max: number; used: number; unit?: CostUnit; /** ms; absent for limits that free up when a job ends */ resetsAt?: number };

/** One job as the quota sees it: who, and what it is expected to cost. */
export interface QuotaJob {
  workspace: WorkspaceRef;
  userId: string;
  jobId: string;
  estimate?: Cost;
}

/**
 * Per-person and per-workspace usage, atomic across processes: a job is reserved (counted, its
 * estimate added to today's spend) before it is enqueued, and settled when it ends (its actual
 * cost replaces the estimate; a job that charged nothing gives everything back).
 */
export interface QuotaStore {
  reserve(job: QuotaJob, limits: UsageLimits, signal?: AbortSignal): Promise<QuotaDecision>;
  /** Idempotent: settling a job twice counts it once. `charged: 'no'` refunds the reservation. */
  settle(job: QuotaJob, result: { charged: 'no' | 'yes' | 'unknown'; cost?: Cost }, signal?: AbortSignal): Promise<void>;
  /** Today's and this month's spend per unit, and today's jobs of one person. */
  usage(workspace: WorkspaceRef, userId?: string, signal?: AbortSignal): Promise<Usage>;
}

export interface Usage {
  today: Partial<Record<CostUnit, number>>;
  month: Partial<Record<CostUnit, number>>;
  jobsToday: number;
  running: number;
  /** When today's counters reset (ms). */
  resetsAt: number;
}

/** A finished job, as kept for `jobs` and the CSV export (90 days). */
export interface LedgerEntry {
  jobId: string;
  userId: string;
  createdAt: number;
  finishedAt: number;
  provider: ProviderId;
  modelId: string;
  kind: string;
  prompt: string;
  state: 'succeeded' | 'failed' | 'cancelled';
  charged: 'no' | 'yes' | 'unknown';
  cost?: Cost;
  /** The cost is the estimate: the provider did not report what it charged. */
  costIsEstimate?: boolean;
  channelId?: string;
  messageId?: string;
}

export interface Ledger {
  record(workspace: WorkspaceRef, entry: LedgerEntry): Promise<void>;
  /** Newest first; one person's when `userId` is given. */
  list(workspace: WorkspaceRef, options: { userId?: string; since?: number; limit?: number }): Promise<LedgerEntry[]>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
