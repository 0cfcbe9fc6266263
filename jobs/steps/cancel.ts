/** Stops what still runs at the provider (where it can) and reads back the real states. */
import type { ProviderStatus } from '../../src/generation.js';
import type { Turn } from './turn.js';

const isTerminal = (s: ProviderStatus | undefined) => !!s && (s.state === 'succeeded' || s.state === 'failed' || s.state === 'cancelled');

/**
 * `known` are the states already read (same order as the operations); otherwise they are read
 * first. A provider without cancel leaves them as they are: the caller says the charge is unknown.
 */
export async function cancelOperations(turn: Turn, known?: ProviderStatus[]): Promise<ProviderStatus[]> {
  const provider = turn.provider();
  const ctx = await turn.providerCall();
  return Promise.all(
    turn.job.operations.map(async (op, i): Promise<ProviderStatus> => {
      // Read first: cancelling a job that already finished could throw its paid result away.
      const before = known?.[i] ?? (await provider.status(op, ctx).catch(() => undefined));
      if (isTerminal(before)) return before!;
      if (!provider.cancel) return before ?? { state: 'running', providerState: 'unknown' };
      try {
        return await provider.cancel(op, ctx);
      } catch (err) {
        turn.log.warn({ err, providerJobId: op.providerJobId }, 'provider cancel failed');
        return before ?? { state: 'running', providerState: 'unknown' };
      }
    }),
  );
}
