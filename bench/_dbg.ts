import { runBusyDiscord } from './busy.js';
const r = await runBusyDiscord({ jobs: 30, channels: 1, overSeconds: 10, jobMs: 7000, webhooks: false });
console.log({ ...r, toFile: r.toFile.length, toFinalCard: r.toFinalCard.length, ackMs: r.ackMs.length }, Math.max(...r.toFile), Math.max(...r.ackMs));
process.exit(0);
