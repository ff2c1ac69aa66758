import {expect} from 'chai'

import {HerokuApi, HerokuApiError, HerokuRequest} from '../../src/lib/heroku/api.js'
import {withRetries} from '../../src/lib/heroku/retry.js'

function failingApi(statuses: number[]): HerokuApi & {calls: number} {
  const api = {
    calls: 0,
    async request<T>(request: HerokuRequest): Promise<T> {
      const status = statuses[api.calls++]
      if (status === undefined) return {ok: true} as T
      throw new HerokuApiError(status, undefined, `HTTP ${status}`, request)
    },
  }
  return api
}

describe('withRetries', () => {
  const request: HerokuRequest = {method: 'GET', path: '/apps/x'}

  it('retries 429 and 5xx with exponential backoff, then succeeds', async () => {
    const api = failingApi([429, 503])
    const delays: number[] = []
    const result = await withRetries(api, {
      baseDelayMs: 100,
      sleep: async ms => {
        delays.push(ms)
      },
    }).request(request)
    expect(result).to.deep.equal({ok: true})
    expect(api.calls).to.equal(3)
    expect(delays).to.deep.equal([100, 200])
  })

  it('does not retry client errors', async () => {
    const api = failingApi([404])
    await expect(withRetries(api, {sleep: async () => {}}).request(request)).to.be.rejectedWith(HerokuApiError, 'HTTP 404')
    expect(api.calls).to.equal(1)
  })

  it('gives up after the last attempt and passes the failure on', async () => {
    const api = failingApi([500, 500, 500, 500, 500])
    const rejected = await withRetries(api, {attempts: 3, sleep: async () => {}})
      .request<never>(request)
      .catch((error: unknown) => error as HerokuApiError)
    expect(rejected).to.be.instanceOf(HerokuApiError)
    expect(rejected.status).to.equal(500)
    expect(api.calls).to.equal(3)
  })
})
