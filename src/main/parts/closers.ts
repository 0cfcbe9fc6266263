/** What a process started, stopped in reverse order; a failing stop is logged and the rest go on. */
import type { Logger } from '../../logger.js';

export class Closers {
  private readonly list: Array<{ name: string; close: () => Promise<unknown> }> = [];
  constructor(private readonly logger: Logger) {}
  add(name: string, close: () => Promise<unknown>): void {
    this.list.push({ name, close });
  }
  async closeAll(): Promise<void> {
    for (const { name, close } of this.list.reverse()) {
      await close().catch((err: unknown) => this.logger.warn({ err, part: name }, 'error while stopping'));
    }
    this.list.length = 0;
  }
}
