/**
 * The Redis stores behind the ports, in one import for the composition root. Each lives in its
 * own file; the key layout is in keys.ts.
 */
export { type StoreOptions, workspaceKey, workspacePattern } from './keys.js';
export { createDedupeStore } from './dedupe-store.js';
export { createKeyValueStore, createEncryptedKeyValueStore } from './kv-store.js';
export { createSettingsStore, DEFAULT_WORKSPACE_SETTINGS, WorkspaceSettingsSchema, type SettingsStoreOptions } from './settings-store.js';
export { createMessageIndex, MESSAGE_INDEX_TTL_SECONDS, type MessageIndexOptions } from './message-index.js';
export { createCredentialStore, NO_ENCRYPTION_KEY_MESSAGE, type CredentialStoreOptions } from './credential-store.js';
export { createEditBudget, DEFAULT_EDIT_BUDGETS, type BucketSize, type EditBudgetOptions } from './edit-budget.js';
export { createQuotaStore, type QuotaStoreOptions } from './quota-store.js';
export { createLedger, LEDGER_DAYS } from './ledger.js';
export { purgeWorkspace, createWorkspacePurge, type WorkspacePurge } from './workspace-purge.js';
