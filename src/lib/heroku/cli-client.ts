import type {APIClient} from '@heroku-cli/command'

import {HerokuApi, HerokuApiError, HerokuRequest, HerokuUnreachableError} from './api.js'

interface HttpLikeError {
  http?: {statusCode?: number}
  statusCode?: number
  body?: {id?: string; message?: string} | string
  code?: string
  message?: string
}

/** Normalises an error from http-call (the CLI's client) or heroku-client. */
export function toHerokuError(error: unknown, request: HerokuRequest): Error {
  const e = (error ?? {}) as HttpLikeError
  const status = e.http?.statusCode ?? e.statusCode
  if (typeof status === 'number') {
    const body = typeof e.body === 'object' && e.body !== null ? e.body : {}
    return new HerokuApiError(status, body.id, body.message ?? `HTTP ${status}`, {method: request.method, path: request.path})
  }
  if (e.code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(e.code)) {
    return new HerokuUnreachableError(e.code)
  }
  return error instanceof Error ? error : new Error(String(error))
}

/**
 * Backs the seam with the heroku CLI's own client, so auth, HEROKU_HOST and
 * request ids behave exactly as in `heroku pg:*`. The Data API shares the
 * Platform API's scheme and port and differs only by hostname.
 */
export function cliHerokuApi(client: APIClient, dataHostname: string): HerokuApi {
  return {
    async request<T>(request: HerokuRequest): Promise<T> {
      const options = {
        method: request.method,
        body: request.body,
        headers: request.headers ?? {},
        retryAuth: false,
        ...(request.service === 'data' ? {hostname: dataHostname} : {}),
      }
      try {
        const response = await client.request<T>(request.path, options)
        return response.body
      } catch (error) {
        throw toHerokuError(error, request)
      }
    },
  }
}
