import type {ProgressEvent} from '../progress.js'
import type {ProgressRenderer} from './renderer.js'

export type {ProgressRenderer} from './renderer.js'

export interface RendererOptions {
  stream: NodeJS.WriteStream
  /** Off with --json: data on stdout must be the JSON alone, and stderr stays quiet. */
  enabled: boolean
}

/** A plain line per event, for pipes and CI logs. */
export function formatProgressLine(event: ProgressEvent): string | undefined {
  switch (event.kind) {
    case 'step':
      return `› ${event.message}`
    case 'count':
      return `  ${event.label}: ${event.done}${event.total === undefined ? '' : `/${event.total}`}${event.unit ? ` ${event.unit}` : ''}`
    case 'warning':
      return `! ${event.message}`
    case 'done':
      return event.message ? `✓ ${event.message}` : undefined
  }
}

export function createProgressRenderer(options: RendererOptions): ProgressRenderer {
  if (!options.enabled) return {sink: () => {}, stop() {}}
  if (!options.stream.isTTY) {
    let lastCountAt = 0
    return {
      sink(event) {
        // Counters tick often; a CI log needs one line every few seconds, and the last one.
        if (event.kind === 'count' && event.done !== event.total) {
          const now = Date.now()
          if (now - lastCountAt < 2000) return
          lastCountAt = now
        }
        const line = formatProgressLine(event)
        if (line !== undefined) options.stream.write(`${line}\n`)
      },
      stop() {},
    }
  }
  // Ink and React load only for a terminal, and only once there is progress to show: most runs never pay for them.
  let live: ProgressRenderer | undefined
  let stopped = false
  const early: ProgressEvent[] = []
  const loading = import('./live-progress.js').then(({liveProgress}) => {
    if (stopped) return
    live = liveProgress(options.stream)
    for (const event of early.splice(0)) live.sink(event)
  })
  loading.catch(() => {})
  return {
    sink(event) {
      if (stopped) return
      if (live) live.sink(event)
      else early.push(event)
    },
    stop() {
      stopped = true
      live?.stop()
    },
  }
}
