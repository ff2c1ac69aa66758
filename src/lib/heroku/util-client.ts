import {stripVTControlCharacters} from 'node:util'

import type {APIClient} from '@heroku-cli/command'
import {HerokuAPIError} from '@heroku-cli/command/lib/api-client.js'

import {HerokuApi, HerokuApiError, HerokuRequest} from './api.js'

type UtilOptions = {headers?: Record<string, string>; body?: unknown; hostname?: string}

/**
 * Lets `@heroku/heroku-cli-util` (the heroku CLI's own resolver) talk through
 * our API seam, so it gets the seam's retries and data host and works both in
 * the CLI and outside it (heroku-client). A request with a `hostname` is a Data
 * API call: the seam knows the data host, read once from the environment.
 * Failures go back in the shape the library checks (HerokuAPIError).
 */
export function utilApiClient(api: HerokuApi): APIClient {
  const call = async (method: HerokuRequest['method'], path: string, options: UtilOptions = {}) => {
    try {
      const body = await api.request<unknown>({
        method,
        path,
        body: options.body,
        headers: options.headers,
        ...(options.hostname ? {service: 'data' as const} : {}),
      })
      return {body}
    } catch (error) {
      if (error instanceof HerokuApiError) {
        throw new HerokuAPIError({statusCode: error.status, http: {statusCode: error.status}, body: {id: error.id, message: error.message}} as never)
      }
      throw error
    }
  }
  const client = {
    get: (path: string, options?: UtilOptions) => call('GET', path, options),
    post: (path: string, options?: UtilOptions) => call('POST', path, options),
    request: (path: string, options?: UtilOptions & {method?: HerokuRequest['method']}) => call(options?.method ?? 'GET', path, options),
  }
  return client as unknown as APIClient
}

/** The status and API error id of a failure the library passed on, whichever shape it has. */
export function statusOf(error: unknown): {status?: number; id?: string} {
  if (error instanceof HerokuApiError) return {status: error.status, id: error.id}
  const e = error as {http?: {statusCode?: number}; statusCode?: number; body?: {id?: string}}
  return {status: e?.http?.statusCode ?? e?.statusCode, id: e?.body?.id}
}

/** The library's messages carry terminal colours; ours are plain lines. */
export function plainMessage(error: unknown): string {
  return stripVTControlCharacters(String((error as Error)?.message ?? error))
    .replace(/\s+/g, ' ')
    .trim()
}

/** Back to the seam's error type, so describeHerokuFailure words it like every other API failure. */
export function asSeamError(error: unknown, request: Pick<HerokuRequest, 'method' | 'path'>): unknown {
  if (error instanceof HerokuApiError || !(error instanceof HerokuAPIError)) return error
  const {status, id} = statusOf(error)
  return new HerokuApiError(status ?? 500, id, error.body?.message ?? plainMessage(error), request)
}
