import {expect} from 'chai'

import {GENESIS_HASH, canonicalJson, hashEvent} from '../../src/lib/ledger/canonical.js'
import {addMonths, daysBetween, formatDate, parseDate} from '../../src/lib/ledger/dates.js'
import {parseSubject} from '../../src/lib/subject/parse.js'

const day = (text: string) => parseDate(text)!

describe('dates', () => {
  it('parse only real dates', () => {
    expect(parseDate('2026-02-30')).to.equal(undefined)
    expect(parseDate('20-11-2026')).to.equal(undefined)
    expect(formatDate(addMonths(day('2026-05-31'), -3))).to.equal('2026-02-28')
    expect(daysBetween(day('2026-11-24'), day('2026-12-01'))).to.equal(7)
  })
})

describe('event hashing', () => {
  it('gives the same JSON for the same value whatever the key order', () => {
    expect(canonicalJson({b: 1, a: {d: [1, {y: 2, x: 1}], c: null}})).to.equal('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}')
  })

  it('hashes a Date as the string it is stored as, and refuses objects that would hash as {}', () => {
    const at = new Date('2026-11-24T10:00:00.000Z')
    expect(canonicalJson({at})).to.equal(canonicalJson(JSON.parse(JSON.stringify({at}))))
    expect(() => canonicalJson({keys: new Set([1])})).to.throw(/Set object cannot go into/)
    expect(() => canonicalJson({rows: new Map()})).to.throw(/Map object/)
    expect(() => canonicalJson({count: 1n})).to.throw(/bigint/)
  })

  it('changes when any field or the previous hash changes', () => {
    const event = {
      seq: 1,
      at: '2026-11-24T10:00:00.000Z',
      scope: 'app',
      actor: 'a@example.com',
      action: 'request.opened',
      requestId: 'R-2026-0001',
      details: {kind: 'access'},
      prevHash: GENESIS_HASH,
    }
    const hash = hashEvent(event)
    expect(hash).to.match(/^[0-9a-f]{64}$/)
    expect(hashEvent({...event})).to.equal(hash)
    expect(hashEvent({...event, details: {kind: 'erasure'}})).to.not.equal(hash)
    expect(hashEvent({...event, prevHash: 'f'.repeat(64)})).to.not.equal(hash)
  })
})

describe('--subject parsing', () => {
  it('splits COLUMN=VALUE at the first equals sign', () => {
    expect(parseSubject('email=alice@example.com')).to.deep.equal({column: 'email', value: 'alice@example.com'})
    expect(parseSubject("note=a=b'; DROP TABLE users; --")).to.deep.equal({column: 'note', value: "a=b'; DROP TABLE users; --"})
  })

  it('takes any column name the map can hold, as the map writes it', () => {
    expect(parseSubject('E-Mail=alice@example.com')).to.deep.equal({column: 'E-Mail', value: 'alice@example.com'})
    expect(parseSubject('emailAddress=alice@example.com')).to.deep.equal({column: 'emailAddress', value: 'alice@example.com'})
    expect(parseSubject('courriel_électronique=alice@example.com')).to.deep.equal({column: 'courriel_électronique', value: 'alice@example.com'})
    expect(parseSubject('Kunden Nr.=K-17')).to.deep.equal({column: 'Kunden Nr.', value: 'K-17'})
  })

  it('reads a double-quoted column name literally, = and quotes included', () => {
    expect(parseSubject('"E-Mail"=alice@example.com')).to.deep.equal({column: 'E-Mail', value: 'alice@example.com'})
    expect(parseSubject('"a=b"=x=y')).to.deep.equal({column: 'a=b', value: 'x=y'})
    expect(parseSubject('"say ""hi"""=1')).to.deep.equal({column: 'say "hi"', value: '1'})
    expect(parseSubject('" padded "=1')).to.deep.equal({column: ' padded ', value: '1'})
  })

  it('refuses what is not COLUMN=VALUE', () => {
    expect(() => parseSubject('alice@example.com')).to.throw(/--subject must be COLUMN=VALUE/)
    expect(() => parseSubject('=alice@example.com')).to.throw(/--subject must be COLUMN=VALUE/)
    expect(() => parseSubject('email=')).to.throw(/--subject must be COLUMN=VALUE/)
    expect(() => parseSubject('"x" or 1=1')).to.throw(/after the quoted column name/)
    expect(() => parseSubject('"open=1')).to.throw(/never closed/)
  })
})
