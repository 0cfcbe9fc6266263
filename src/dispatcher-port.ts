/**
 * The inbound port every adapter calls after acknowledging a platform event. The implementation
 * (src/dispatcher.ts) dedupes, parses, checks permissions and runs the matching command; it never
 * throws back into the adapter: user mistakes become replies, bugs become "something went wrong (ref …)".
 */
import type { Invocation } from './invocation.js';
import type { Responder } from './ports.js';

export interface Dispatcher {
  dispatch(invocation: Invocation, responder: Responder): Promise<void>;
}
