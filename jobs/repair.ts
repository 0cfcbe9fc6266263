/**
 * Repair of a job BullMQ gave up on (its turns kept throwing, or it stalled too often: a crash
 * loop). It is put back in the queue to resume from its saved step; a job that keeps dying is
 * ended instead, through finalize, so its slot is freed and its status message says so.
 */
import type { Job, Queue } from 'bullmq';
import { GenerationJob } from '../src/generation.js';
import { newErrorRef } from '../src/errors.js';
import type { Logger } from '../src/logger.js';

/** Crashes after which a job is ended rather than resumed again. */
export const MAX_CRASHES = 3;

export async function repairJob(_queue: Queue, job: Job, logger: Logger): Promise<'resumed' | 'ended' | 'ignored'> {
  const parsed = GenerationJob.safeParse(job.data);
  if (!parsed.success || parsed.data.step === 'done') return 'ignored';
  const data = parsed.data;
  const crashes = data.crashes + 1;
  if (crashes >= MAX_CRASHES && !data.outcome) {
    const ref = newErrorRef();
    logger.error({ job: job.id, ref, step: data.step, crashes }, 'job keeps crashing; ending it');
    await job.updateData({
      ...data,
      crashes,
      step: 'finalize',
      retries: 0,
      outcome: {
        state: 'failed',
        message: `Something went wrong on our side (ref \`${ref}\`). Please try again; if it keeps happening, give an admin this ref.`,
        outputs: [],
        charged: data.operations.length > 0 || data.submitting ? 'unknown' : 'no',
        reason: 'crashed',
        finishedAt: Date.now(),
      },
    });
  } else {
    logger.warn({ job: job.id, step: data.step, crashes }, 'job failed outside its own error handling; resuming it');
    await job.updateData({ ...data, crashes });
  }
  await job.retry('failed');
  return crashes >= MAX_CRASHES ? 'ended' : 'resumed';
}
