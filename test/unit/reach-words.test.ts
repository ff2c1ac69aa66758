import {expect} from 'chai'

import {describeTunnelFailure, splitHostPort} from '../../src/lib/db/tunnel.js'
import {describeRegion} from '../../src/lib/heroku/region.js'
import {describeHolds} from '../../src/lib/reconcile/snapshots.js'
import {summarizeEvent} from '../../src/lib/ui/event-summary.js'
import {plural} from '../../src/lib/ui/words.js'

describe('words the commands share', () => {
  it('counts agree with their nouns', () => {
    expect(plural(1, 'error')).to.equal('1 error')
    expect(plural(2, 'error')).to.equal('2 errors')
    expect(plural(0, 'person', 'people')).to.equal('0 people')
    expect(plural(12_000, 'row')).to.equal('12,000 rows')
  })

  it('describes a region the same way everywhere', () => {
    expect(describeRegion('eu')).to.equal('eu (Europe)')
    expect(describeRegion('dublin')).to.equal('dublin (Europe)')
    expect(describeRegion('virginia')).to.equal('virginia (United States)')
    expect(describeRegion('mars')).to.equal('mars')
    expect(describeRegion(null)).to.equal('unknown')
  })

  it('says in words what a copy still holds', () => {
    const predates = [
      {seq: 4, action: 'erasure.executed', requestId: 'R-2026-0003'},
      {seq: 7, action: 'erasure.executed', requestId: 'R-2026-0005'},
    ]
    expect(describeHolds('fork', predates)).to.equal('holds 2 erasures not re-applied: R-2026-0003, R-2026-0005')
    expect(describeHolds('fork', predates, new Set([4]))).to.equal('holds 1 erasure not re-applied: R-2026-0005')
    expect(describeHolds('fork', predates, new Set([4, 7]))).to.equal('nothing: 2 changes made since were re-applied')
    expect(describeHolds('backup', [...predates, {seq: 9, action: 'restriction.created', requestId: null}])).to.equal(
      'holds 2 erasures and 1 restriction made since (a backup cannot be changed): R-2026-0003, R-2026-0005, event 9',
    )
    expect(describeHolds('backup', [])).to.equal('nothing erased or restricted since it was made')
    expect(describeHolds('follower', [])).to.match(/replays the leader/)
  })

  it('summarises ledger events in one line, without their fingerprints', () => {
    const erased = summarizeEvent('erasure.executed', {
      subjects: [{lookup_column: 'email', fingerprint: 'abc123'}],
      tables: {'public.users': {action: 'delete', rows: 1}, 'public.orders': {action: 'anonymize', rows: 3}},
      held: {},
      skipped: [],
    })
    expect(erased).to.equal('erased 1 person: 4 rows in 2 tables')
    expect(erased).to.not.include('abc123')
    expect(summarizeEvent('request.extended', {months: 1, due_on: '2027-01-30', reason: 'complex'})).to.equal(
      'extended by 1 month, now due 2027-01-30: complex',
    )
    expect(summarizeEvent('retention.batch', {run: 3, table: 'public.sessions', action: 'delete', rows: 1000})).to.equal(
      'retention run 3: deleted 1,000 rows of public.sessions',
    )
    expect(summarizeEvent('something.new', {a: 1, b: 2})).to.equal('a, b')
  })
})

describe('bastion tunnels', () => {
  it('dials port 22 unless the bastion names another', () => {
    expect(splitHostPort('bastion-1.example.com')).to.deep.equal({host: 'bastion-1.example.com', port: 22})
    expect(splitHostPort('127.0.0.1:2222')).to.deep.equal({host: '127.0.0.1', port: 2222})
  })

  it('describes each failure in one line with the next step, never the key', () => {
    const cases: Array<[unknown, RegExp, string]> = [
      [
        Object.assign(new Error('All configured authentication methods failed'), {level: 'client-authentication'}),
        /refused the key Heroku gave for app::DATABASE/,
        'bastion_auth_failed',
      ],
      [Object.assign(new Error('Timed out while waiting for handshake'), {level: 'client-timeout'}), /Timed out opening an SSH tunnel/, 'bastion_timeout'],
      [
        Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}),
        /Could not reach the bastion b\.example for app::DATABASE \(ECONNREFUSED\)/,
        'bastion_unreachable',
      ],
      [new Error('Cannot parse privateKey: Unsupported key format'), /could not be read/, 'bastion_key_invalid'],
    ]
    for (const [error, message, code] of cases) {
      const described = describeTunnelFailure(error, 'app::DATABASE', 'b.example')
      expect(described.message).to.match(message)
      expect(described.message).to.match(/heroku run/)
      expect(described.code).to.equal(code)
      expect(described.message).to.not.include('\n')
    }
  })
})
