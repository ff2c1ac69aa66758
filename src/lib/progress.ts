/**
 * The one progress event type lib code emits. Commands render it: an ink view
 * on a TTY, plain lines otherwise, nothing with --json.
 */
export type ProgressEvent =
  | {kind: 'step'; message: string}
  | {kind: 'count'; label: string; done: number; total?: number; unit?: string}
  | {kind: 'warning'; message: string}
  | {kind: 'done'; message?: string}

export type ProgressSink = (event: ProgressEvent) => void
