import {render} from 'ink'
import {createElement} from 'react'

import type {ReviewDecision, ReviewItem} from '../datamap/review.js'
import {ScanReview} from './scan-review.js'

/** Runs the review on the terminal and resolves with the decisions taken; Ctrl-C ends it with nothing decided. */
export async function reviewInTerminal(items: ReviewItem[], streams: {stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream}): Promise<ReviewDecision[]> {
  let decided: ReviewDecision[] = []
  const instance = render(createElement(ScanReview, {items, onDone: decisions => (decided = decisions)}), {
    stdin: streams.stdin,
    stdout: streams.stdout,
    patchConsole: false,
  })
  await instance.waitUntilExit()
  return decided
}
