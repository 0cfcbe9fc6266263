/** What the pipeline needs from the world, handed in by the composition root. */
import type { CommandSpec } from '../src/command.js';
import type { ProviderId } from '../src/generation.js';
import type { Logger } from '../src/logger.js';
import type { Metrics } from '../src/metrics-port.js';
import type { MediaFile, MediaRef, WorkspaceRef } from '../src/model.js';
import type {
  Clock,
  EditBudget,
  GenerationProvider,
  Ledger,
  MessageIndex,
  ModelCatalog,
  PlatformDirectory,
  ProviderCredentials,
  QuotaStore,
  ReactionLocks,
  SettingsStore,
} from '../src/ports.js';

export interface PipelineDeps {
  providers: Partial<Record<ProviderId, GenerationProvider>>;
  resolveCredentials(workspace: WorkspaceRef, provider: ProviderId): Promise<ProviderCredentials | undefined>;
  platforms: PlatformDirectory;
  catalog: ModelCatalog;
  settings: SettingsStore;
  editBudget: EditBudget;
  messageIndex: MessageIndex;
  reactionLocks?: ReactionLocks;
  /** Usage limits: a job's reservation is settled with what it really cost when it ends. */
  quotas?: QuotaStore;
  /** History of finished jobs (for `jobs` and the CSV export). */
  ledger?: Ledger;
  /** A provider rejected the key a job used (revoked, deleted): record it and tell the admins once. */
  onKeyRejected?(workspace: WorkspaceRef, provider: ProviderId): Promise<void>;
  /**
   * Downloads public media (pasted links, provider results), size-limited. Throws an error whose
   * `retryable` says whether trying again may help (a 503, a timeout) or not (a 404, too large).
   */
  fetchMedia(media: MediaRef, maxBytes: number, signal?: AbortSignal): Promise<MediaFile>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  limits: {
    maxInputBytes: number;
    maxOutputBytes: number;
    /** How long a paid result keeps being retried for delivery (downloads, uploads). Default 6 h. */
    deliveryWindowMs?: number;
    /** How long a submit waits for the provider's answer before it counts as uncertain. Default 30 s. */
    submitTimeoutMs?: number;
  };
  /** The command specs, so messages written with hint tokens (`<cmd:connect krea>`) use the platform's own syntax. */
  specs?: readonly CommandSpec[];
  /** Where providers should post job completion (when PUBLIC_URL is set). */
  webhookUrl?: (jobId: string) => string;
  /** Shrinks every poll and retry delay (tests, simulator). 1 in production. */
  timeScale?: number;
  /**
   * Least time between two progress edits of one status message (default 3 s × timeScale). A job
   * that finishes sooner shows "Queued" and then its result: no edit the reader could not even see.
   */
  progressGapMs?: number;
  /** Retryable errors tolerated in one step before a job fails (429s "until it succeeds", within reason). */
  maxRetries?: number;
}
