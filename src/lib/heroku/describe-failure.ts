import {PrivacyError} from '../errors.js'
import {HerokuApiError, HerokuUnreachableError} from './api.js'

/**
 * Turns a failed API call into one line that says what went wrong and what to
 * do next. The API's own message is kept (it never holds credentials); the
 * request path is not shown because it may name a person's data later on.
 */
export function describeHerokuFailure(error: unknown, doing: string): Error {
  if (error instanceof PrivacyError) return error
  if (error instanceof HerokuUnreachableError) {
    return new PrivacyError(`Could not reach the Heroku API while ${doing} (${error.reason}). Check your network or HEROKU_HOST, then try again.`, {
      code: 'api_unreachable',
      cause: error,
    })
  }
  if (!(error instanceof HerokuApiError)) return error instanceof Error ? error : new Error(String(error))
  const said = error.message ? `: ${error.message.replace(/\s+/g, ' ').trim()}` : ''
  switch (true) {
    case error.status === 401:
      return new PrivacyError(`Heroku rejected the API token while ${doing} (401)${said}. Run \`heroku login\` or set a valid HEROKU_API_KEY.`, {
        code: 'unauthorized',
        cause: error,
      })
    case error.status === 403:
      return new PrivacyError(`Your Heroku account is not allowed to do this while ${doing} (403)${said}. Ask an admin of the app or team for access.`, {
        code: 'forbidden',
        cause: error,
      })
    case error.status === 404:
      return new PrivacyError(`Heroku found nothing while ${doing} (404)${said}.`, {code: 'not_found', cause: error})
    case error.status === 429:
      return new PrivacyError(`Heroku's API rate limit was still exceeded after retrying while ${doing} (429). Wait a few minutes and try again.`, {
        code: 'rate_limited',
        cause: error,
      })
    case error.status >= 500:
      return new PrivacyError(`Heroku's API kept failing while ${doing} (${error.status})${said}. Check https://status.heroku.com and try again later.`, {
        code: 'api_unavailable',
        cause: error,
      })
    default:
      return new PrivacyError(`Heroku refused the request while ${doing} (${error.status})${said}.`, {
        code: 'api_error',
        cause: error,
        details: error.id ? {herokuId: error.id} : undefined,
      })
  }
}
