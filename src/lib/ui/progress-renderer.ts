import {render} from 'ink'
import {createElement} from 'react'

import type {ProgressEvent, ProgressSink} from '../progress.js'
import {ProgressState, ProgressView, reduceProgress} from './progress-view.js'

export interface ProgressRenderer {
  sink: ProgressSink
  stop(): void
}

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
  let state: ProgressState = {counts: {}, warnings: []}
  const instance = render(createElement(ProgressView, {state}), {stdout: options.stream, patchConsole: false, exitOnCtrlC: false})
  return {
    sink(event) {
      state = reduceProgress(state, event)
      instance.rerender(createElement(ProgressView, {state}))
    },
    stop() {
      instance.unmount()
    },
  }
}
