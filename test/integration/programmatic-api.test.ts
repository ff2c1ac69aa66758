import {expect} from 'chai'

import {PrivacyError, describeDatabase, herokuClientApi, resolveDatabase, withRetries} from '../../src/index.js'
import type {ProgressEvent} from '../../src/index.js'
import {useSimulator} from '../support/context.js'

describe('programmatic API', () => {
  const ctx = useSimulator()

  it('resolves and describes a database from a runbook, outside the heroku CLI', async () => {
    const api = withRetries(herokuClientApi({token: ctx.sim.apiKey, apiUrl: ctx.sim.url, dataHostname: '127.0.0.1'}))
    const database = await resolveDatabase(api, {app: 'privacy-demo'})
    const events: ProgressEvent[] = []
    const report = await describeDatabase({
      target: {url: database.url, label: database.label},
      heroku: {api, database},
      progress: event => events.push(event),
    })
    expect(report.heroku?.region).to.equal('eu')
    expect(report.postgres.tableCount).to.equal(14)
    expect(events.map(e => e.kind)).to.include('step')
  })

  it('throws PrivacyError with an exit code a runbook can act on', async () => {
    const api = herokuClientApi({token: ctx.sim.apiKey, apiUrl: ctx.sim.url})
    const error = await resolveDatabase(api, {app: 'privacy-nodb'}).catch((e: unknown) => e)
    expect(error).to.be.instanceOf(PrivacyError)
    expect((error as PrivacyError).exitCode).to.equal(1)
  })
})
