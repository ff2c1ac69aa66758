import {Box, Text, useApp, useInput} from 'ink'
import {useRef, useState} from 'react'

import type {ReviewDecision, ReviewItem} from '../datamap/review.js'
import {CATEGORIES, Category} from '../datamap/schema.js'

export interface ScanReviewProps {
  items: ReviewItem[]
  /** Called once, with every decision taken (skipped items included), when the last item is decided or the reviewer quits. */
  onDone: (decisions: ReviewDecision[]) => void
}

const PERSONAL = CATEGORIES.filter(c => c !== 'none')
/** One key per category: 1–9, then letters. */
const KEYS = PERSONAL.map((_, i) => (i < 9 ? String(i + 1) : String.fromCharCode(97 + i - 9)))

function ItemView({item}: {item: ReviewItem}) {
  if (item.kind === 'reference') {
    return (
      <Box flexDirection="column">
        <Text bold>{`${item.table}.${item.column} → ${item.to}`}</Text>
        <Text>{`proposed reference: ${item.reason}; ${item.matched} of ${item.sampled} sampled values match`}</Text>
      </Box>
    )
  }
  return (
    <Box flexDirection="column">
      <Text bold>{`${item.table}.${item.column}`}</Text>
      <Text>{`scan says: ${item.category} (confidence ${item.confidence})`}</Text>
      {item.evidence.map((line, i) => (
        <Text key={`e${i}`} dimColor>{`  · ${line}`}</Text>
      ))}
      <Text>{`value shapes: ${item.shapes.length > 0 ? item.shapes.join('   ') : 'none sampled'}`}</Text>
    </Box>
  )
}

/**
 * Walks through the scan's uncertain findings and proposed references one at
 * a time: accept, change the category, reject or skip. Shows the evidence and
 * the shapes of sampled values, never the values.
 */
export function ScanReview({items, onDone}: ScanReviewProps) {
  const {exit} = useApp()
  // Keys can arrive faster than renders: the walk's state lives in a ref, and the view is redrawn from it.
  const state = useRef({index: 0, decisions: [] as ReviewDecision[], choosing: false, done: false})
  const [, redraw] = useState(0)
  const {index, choosing} = state.current
  const item = items[index]

  const finish = (all: ReviewDecision[]) => {
    state.current.done = true
    onDone(all)
    exit()
  }
  const decide = (action: ReviewDecision['action']) => {
    const current = state.current
    current.decisions = [...current.decisions, {item: items[current.index]!, action}]
    current.choosing = false
    if (current.index + 1 >= items.length) finish(current.decisions)
    else current.index++
    redraw(n => n + 1)
  }

  useInput((input, key) => {
    const current = state.current
    const shown = items[current.index]
    if (!shown || current.done) return
    if (current.choosing) {
      const chosen = KEYS.indexOf(input)
      if (chosen >= 0) decide({category: PERSONAL[chosen] as Category})
      else if (input === '0') decide('reject')
      else if (key.escape) {
        current.choosing = false
        redraw(n => n + 1)
      }
      return
    }
    if (input === 'a') decide('accept')
    else if (input === 'r') decide('reject')
    else if (input === 's') decide('skip')
    else if (input === 'c' && shown.kind === 'column') {
      current.choosing = true
      redraw(n => n + 1)
    } else if (input === 'q') finish([...current.decisions, ...items.slice(current.index).map(i => ({item: i, action: 'skip' as const}))])
  })

  if (!item) return <Text>Nothing to review.</Text>
  return (
    <Box flexDirection="column">
      <Text color="cyan">{`Review ${index + 1} of ${items.length}`}</Text>
      <ItemView item={item} />
      {choosing ? (
        <Text>{`category: ${PERSONAL.map((c, i) => `${KEYS[i]} ${c}`).join('  ')}  0 none  (esc: back)`}</Text>
      ) : (
        <Text>{item.kind === 'column' ? '[a]ccept  [c]hange category  [r]eject (not personal)  [s]kip  [q]uit' : '[a]ccept  [r]eject  [s]kip  [q]uit'}</Text>
      )}
    </Box>
  )
}
