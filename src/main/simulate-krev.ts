/** `npm run simulate:krev`: the Krev API simulator on its own, for local experiments and benchmarks. */
import { startKrevSimulator } from '../../adapters/providers/krev/simulator/server.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';

try {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'krev-simulator' });
  const sim = await startKrevSimulator({ port: config.KREV_SIMULATOR_PORT });
  logger.info({ url: sim.url }, `Krev simulator listening: set KREV_API_URL=${sim.url} (any bearer key works; controls under ${sim.origin}/__sim/)`);
  const stop = () => void sim.close().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}
