/**
 * The one seam through which lib code talks to Heroku: the Platform API and
 * the Heroku Postgres Data API. Commands back it with the heroku CLI's
 * APIClient; runbooks and dynos back it with heroku-client.
 */
export type HerokuService = 'platform' | 'data'

export interface HerokuRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  path: string
  body?: unknown
  service?: HerokuService
  headers?: Record<string, string>
}

export interface HerokuApi {
  request<T>(request: HerokuRequest): Promise<T>
}

/** A failed API call, normalised from whichever client made it. */
export class HerokuApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string | undefined,
    message: string,
    readonly request: Pick<HerokuRequest, 'method' | 'path'>,
  ) {
    super(message)
    this.name = 'HerokuApiError'
  }

  get isRetryable(): boolean {
    return this.status === 429 || this.status >= 500
  }
}

/** Network-level failure: no HTTP answer at all. */
export class HerokuUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'HerokuUnreachableError'
  }
}

export const DATA_API_PREFIX = '/client/v11'

/** Accept header for the "sdk" variant the heroku CLI uses when it wants add-on plans inlined. */
export const SDK_HEADERS = {
  Accept: 'application/vnd.heroku+json; version=3.sdk',
  'Accept-Inclusion': 'addon:plan,config_vars',
}

export function get<T>(api: HerokuApi, path: string, options: Omit<HerokuRequest, 'method' | 'path'> = {}): Promise<T> {
  return api.request<T>({method: 'GET', path, ...options})
}

export function post<T>(api: HerokuApi, path: string, body?: unknown, options: Omit<HerokuRequest, 'method' | 'path' | 'body'> = {}): Promise<T> {
  return api.request<T>({method: 'POST', path, body, ...options})
}

export function dataApiPath(path: string): string {
  return `${DATA_API_PREFIX}${path}`
}
