/** `npm run simulate:kpainter`: the KPainter API simulator on its own, for local experiments and benchmarks. */
import { startKPainterSimulator } from '../../adapters/providers/kpainter/simulator/server.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';

try {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'kpainter-simulator' });
  const sim = await startKPainterSimulator({ port: config.KPAINTER_SIMULATOR_PORT });
  logger.info({ url: sim.url }, `KPainter simulator listening on ${sim.url} (any X-KGP-Api-Key works; controls under ${sim.url}/__sim/)`);
  const stop = () => void sim.close().then(() => process.exit(0), () => process.exit(1));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}
