import {Box, Text} from 'ink'

import type {ProgressEvent} from '../progress.js'

export interface ProgressState {
  step?: string
  counts: Record<string, {done: number; total?: number; unit?: string}>
  warnings: string[]
}

export function reduceProgress(state: ProgressState, event: ProgressEvent): ProgressState {
  switch (event.kind) {
    case 'step':
      return {...state, step: event.message}
    case 'count':
      return {...state, counts: {...state.counts, [event.label]: {done: event.done, total: event.total, unit: event.unit}}}
    case 'warning':
      return {...state, warnings: [...state.warnings, event.message]}
    case 'done':
      return {...state, step: event.message}
  }
}

export function ProgressView({state}: {state: ProgressState}) {
  return (
    <Box flexDirection="column">
      {state.warnings.map((warning, i) => (
        <Text key={`w${i}`} color="yellow">
          {'! '}
          {warning}
        </Text>
      ))}
      {state.step ? <Text color="cyan">{`› ${state.step}`}</Text> : null}
      {Object.entries(state.counts).map(([label, count]) => (
        <Text key={label}>{`  ${label}: ${count.done}${count.total === undefined ? '' : `/${count.total}`}${count.unit ? ` ${count.unit}` : ''}`}</Text>
      ))}
    </Box>
  )
}
