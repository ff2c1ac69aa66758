import {expect} from 'chai'
import {render} from 'ink-testing-library'

import {formatProgressLine} from '../../src/lib/ui/progress-renderer.js'
import {ProgressState, ProgressView, reduceProgress} from '../../src/lib/ui/progress-view.js'

describe('progress rendering', () => {
  it('folds events into a state the ink view shows', () => {
    let state: ProgressState = {counts: {}, warnings: []}
    state = reduceProgress(state, {kind: 'step', message: 'exporting'})
    state = reduceProgress(state, {kind: 'count', label: 'tables', done: 3, total: 12})
    state = reduceProgress(state, {kind: 'warning', message: 'retrying'})
    const {lastFrame, unmount} = render(<ProgressView state={state} />)
    const frame = lastFrame() ?? ''
    unmount()
    expect(frame).to.include('› exporting')
    expect(frame).to.include('tables: 3/12')
    expect(frame).to.include('! retrying')
  })

  it('prints one plain line per event for pipes and CI', () => {
    expect(formatProgressLine({kind: 'step', message: 'connecting'})).to.equal('› connecting')
    expect(formatProgressLine({kind: 'count', label: 'rows', done: 10, unit: 'rows'})).to.equal('  rows: 10 rows')
    expect(formatProgressLine({kind: 'done'})).to.equal(undefined)
  })
})
