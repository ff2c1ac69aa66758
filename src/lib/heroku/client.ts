import Heroku from 'heroku-client'

import {HerokuApi, HerokuRequest} from './api.js'
import {toHerokuError} from './cli-client.js'

export interface HerokuClientOptions {
  token: string
  /** Platform API base URL; defaults to https://api.heroku.com. */
  apiUrl?: string
  /** Data API hostname; defaults to api.data.heroku.com. Scheme and port follow apiUrl. */
  dataHostname?: string
}

/** Backs the seam with heroku-client, for runbooks and dynos that run outside the heroku CLI. */
export function herokuClientApi(options: HerokuClientOptions): HerokuApi {
  const apiUrl = new URL(options.apiUrl ?? 'https://api.heroku.com')
  const dataUrl = new URL(apiUrl.href)
  dataUrl.hostname = options.dataHostname ?? 'api.data.heroku.com'
  const client = new Heroku({token: options.token, host: apiUrl.origin})
  return {
    async request<T>(request: HerokuRequest): Promise<T> {
      try {
        return await client.request<T>({
          method: request.method,
          path: request.path,
          body: request.body,
          headers: request.headers,
          ...(request.service === 'data' ? {host: dataUrl.origin} : {}),
        })
      } catch (error) {
        throw toHerokuError(error, request)
      }
    },
  }
}
