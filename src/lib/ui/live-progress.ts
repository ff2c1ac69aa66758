import {render} from 'ink'
import {createElement} from 'react'

import type {ProgressRenderer} from './renderer.js'
import {ProgressState, ProgressView, reduceProgress} from './progress-view.js'

/** The live view on a terminal: counters that update in place, warnings that stay. */
export function liveProgress(stream: NodeJS.WriteStream): ProgressRenderer {
  let state: ProgressState = {counts: {}, warnings: []}
  const instance = render(createElement(ProgressView, {state}), {stdout: stream, patchConsole: false, exitOnCtrlC: false})
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
