import {HerokuApi, HerokuApiError, HerokuRequest} from './api.js'

export interface RetryOptions {
  attempts?: number
  baseDelayMs?: number
  sleep?: (ms: number) => Promise<void>
  onRetry?: (info: {attempt: number; status: number; delayMs: number; request: HerokuRequest}) => void
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => {
    setTimeout(resolve, ms)
  })

/**
 * Retries rate-limited (429) and server-side (5xx) failures with exponential
 * backoff. Anything else — and the last failure — is passed through unchanged.
 */
export function withRetries(api: HerokuApi, options: RetryOptions = {}): HerokuApi {
  const attempts = options.attempts ?? 4
  const baseDelayMs = options.baseDelayMs ?? 500
  const sleep = options.sleep ?? defaultSleep
  return {
    async request<T>(request: HerokuRequest): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await api.request<T>(request)
        } catch (error) {
          if (!(error instanceof HerokuApiError) || !error.isRetryable || attempt >= attempts) throw error
          const delayMs = baseDelayMs * 2 ** (attempt - 1)
          options.onRetry?.({attempt, status: error.status, delayMs, request})
          await sleep(delayMs)
        }
      }
    },
  }
}
