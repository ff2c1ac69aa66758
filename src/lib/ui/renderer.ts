import type {ProgressSink} from '../progress.js'

/** What shows the lib's progress events: plain lines, or the live view on a terminal. */
export interface ProgressRenderer {
  sink: ProgressSink
  stop(): void
}
