import {join} from 'node:path'

import {expect} from 'chai'

import {appsOf} from '../../src/cli/apps.js'
import {mapPathFor, pendingApps, stepFor} from '../../src/lib/ledger/request-apps.js'

describe('requests across apps', () => {
  it("finds each app's map as privacy.<app>.yml in the folder of --map", () => {
    expect(mapPathFor('example-api', 'privacy.yml')).to.equal('privacy.example-api.yml')
    expect(mapPathFor('example-api', join('maps', 'privacy.yml'))).to.equal(join('maps', 'privacy.example-api.yml'))
  })

  it('asks erasure requests for an erasure in each app, access and portability for an export, others for nothing', () => {
    expect(stepFor('erasure')).to.equal('erasure')
    expect(stepFor('access')).to.equal('export')
    expect(stepFor('portability')).to.equal('export')
    expect(stepFor('objection')).to.equal(null)
  })

  it('leaves done apps and apps with nothing to do out of what is pending', () => {
    const base = {map: 'm', doneAt: null, appLedgerHead: null}
    expect(
      pendingApps([
        {...base, app: 'a', step: 'erasure', done: true},
        {...base, app: 'b', step: 'erasure', done: false},
        {...base, app: 'c', step: null, done: false},
      ]).map(a => a.app),
    ).to.deep.equal(['b'])
  })

  it('keeps a default app given as one string whole', () => {
    expect(appsOf('example-app')).to.deep.equal(['example-app'])
    expect(appsOf(['a', 'b'])).to.deep.equal(['a', 'b'])
    expect(appsOf(undefined)).to.deep.equal([])
  })
})
