/** Short replies shared by several commands. */
import type { StartedGeneration } from './start-generation.js';
import { textView, type MessageView } from '../src/view.js';

export function startedView(started: StartedGeneration): MessageView {
  return textView(started.created ? 'On it: follow the progress in the thread.' : 'Already on it: see the thread.');
}
