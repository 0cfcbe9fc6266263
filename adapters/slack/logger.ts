/** Bolt and the Web API log through our pino logger (and so through its redaction), not the console. */
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../../src/logger.js';

export function slackLogger(logger: Logger): SlackLogger {
  const log = logger.child({ adapter: 'slack' });
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
  return {
    debug: (...m: unknown[]) => log.debug(text(m)),
    info: (...m: unknown[]) => log.info(text(m)),
    warn: (...m: unknown[]) => log.warn(text(m)),
    error: (...m: unknown[]) => log.error(text(m)),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
