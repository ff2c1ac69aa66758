import {render} from 'ink'
import {createElement} from 'react'

import type {ReviewDecision, ReviewItem} from '../datamap/review.js'
import {ScanReview} from './scan-review.js'

/** The review drawn with ink: see reviewInTerminal. */
export async function runReviewSession(items: ReviewItem[], streams: {stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream}): Promise<ReviewDecision[]> {
  let decided: ReviewDecision[] = []
  const instance = render(createElement(ScanReview, {items, onDone: decisions => (decided = decisions)}), {
    stdin: streams.stdin,
    stdout: streams.stdout,
    patchConsole: false,
  })
  await instance.waitUntilExit()
  return decided
}
