import {PrivacyError} from '../lib/errors.js'
import type {PrivacyEnvironment} from './environment.js'

/** --review takes the terminal over: it needs one, and one that can redraw (not a CI log). */
export function assertCanReview(env: Pick<PrivacyEnvironment, 'inCi'>): void {
  if (!(process.stdin.isTTY && process.stdout.isTTY)) {
    throw new PrivacyError(
      '--review needs an interactive terminal; run privacy:scan without --review and review the comments in privacy.yml by hand, or run it in a terminal.',
      {code: 'review_needs_terminal'},
    )
  }
  if (env.inCi) {
    throw new PrivacyError(
      '--review is interactive, and CI is set in this environment, where the review could not redraw; run it in a terminal without CI set.',
      {
        code: 'review_needs_terminal',
      },
    )
  }
}
