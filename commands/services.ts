/**
 * Everything a command may use, handed in by the composition root. Commands reach the world
 * only through these ports.
 */
import type { ProviderId } from '../src/generation.js';
import type { Logger } from '../src/logger.js';
import type { WorkspaceRef } from '../src/model.js';
import type {
  Clock,
  CredentialStore,
  GenerationProvider,
  GenerationQueue,
  Ledger,
  MessageIndex,
  ModelCatalog,
  PlatformDirectory,
  ProviderCredentials,
  QuotaStore,
  ReactionLocks,
  SettingsStore,
} from '../src/ports.js';

export interface CommandLimits {
  /** How long a job may take before it is stopped (provider cancel, user told). */
  jobDeadlineMs: number;
  /** Largest input file accepted (Slack/Discord attachments, pasted links). */
  maxInputBytes: number;
  /** How long a costly job waits for its requester's Confirm. Default 5 minutes. */
  confirmWindowMs?: number;
}

export interface CommandServices {
  queue: GenerationQueue;
  catalog: ModelCatalog;
  platforms: PlatformDirectory;
  settings: SettingsStore;
  credentials: CredentialStore;
  messageIndex: MessageIndex;
  /** One 🎬 job per message at a time (absent in tests that do not look at reactions). */
  reactionLocks?: ReactionLocks;
  /** Usage limits (per person, per workspace per day); absent in tests that do not look at money. */
  quotas?: QuotaStore;
  /** Finished jobs (who, what, when, cost): `jobs`, the CSV export, the App Home. */
  ledger?: Ledger;
  providers: Partial<Record<ProviderId, GenerationProvider>>;
  /** True when the operator configured a server-wide key for this provider (e.g. KREA_API_TOKEN). */
  hasDefaultCredentials(provider: ProviderId): boolean;
  /**
   * The key calls made by a command itself use (Krev's product catalog): the workspace's own, else
   * the server-wide one when the workspace allows it; the same rule as the workers'. Absent: only
   * keys the workspace connected are used.
   */
  resolveCredentials?(workspace: WorkspaceRef, provider: ProviderId): Promise<ProviderCredentials | undefined>;
  /** True when BOT_ENCRYPTION_KEY is set, so per-workspace keys can be stored. */
  canStoreCredentials: boolean;
  clock: Clock;
  logger: Logger;
  limits: CommandLimits;
  /** Random seeds for Variations (injectable so tests are repeatable). */
  randomSeed(): number;
}
