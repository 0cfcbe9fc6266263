/** `npm run simulate:krea`: the Krea API simulator on its own, for local experiments and benchmarks. */
import { startKreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';

try {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'krea-simulator' });
  const sim = await startKreaSimulator({
    port: config.KREA_SIMULATOR_PORT,
    ...(config.KREA_SIMULATOR_JOB_SECONDS !== undefined ? { jobDurationMs: config.KREA_SIMULATOR_JOB_SECONDS * 1000 } : {}),
    oneImagePerSize: config.KREA_SIMULATOR_ONE_IMAGE,
  });
  logger.info({ url: sim.url }, `Krea simulator listening on ${sim.url} (any bearer token works; controls under ${sim.url}/__sim/)`);
  const stop = () => void sim.close().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}
