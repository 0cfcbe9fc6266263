/**
 * `npm start`: read the configuration (every problem at once, no secret echoed), start the bot in
 * the configured role, stop cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig, SECRET_VARIABLES } from '../config.js';
import { createLogger } from '../logger.js';
import { startBot } from './compose.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // Every configured secret value is scrubbed from every log line, wherever it turns up.
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: SECRET_VARIABLES.map((name) => config[name]) });
  const bot = await startBot({ config, logger });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await bot.close();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT').catch(() => process.exit(1)));
  process.on('SIGTERM', () => void stop('SIGTERM').catch(() => process.exit(1)));
}

main().catch((err: unknown) => {
  process.stderr.write(`genbot failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
