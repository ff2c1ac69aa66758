import type {ReviewDecision, ReviewItem} from '../datamap/review.js'

/**
 * Runs the review on the terminal and resolves with the decisions taken; Ctrl-C ends it with nothing decided.
 * ink and React load here, when a review starts, not with every scan.
 */
export async function reviewInTerminal(items: ReviewItem[], streams: {stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream}): Promise<ReviewDecision[]> {
  const {runReviewSession} = await import('./review-session.js')
  return runReviewSession(items, streams)
}
