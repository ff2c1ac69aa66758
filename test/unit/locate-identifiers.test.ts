import {expect} from 'chai'

import {distinctiveIdentifiers, identifierOf} from '../../src/lib/locate/identifiers.js'
import {searchPatterns} from '../../src/lib/locate/patterns.js'

describe('distinctive identifiers', () => {
  it('keeps values that pick out one person, and drops a first name alone, numbers, flags and codes', () => {
    for (const value of ['alice@example.com', 'Alice Example', 'alice_w', '10.0.0.1', '+44 20 7946 0958', 'Maximiliane', 'cus_9f8e7d'])
      expect(identifierOf(value), value).to.not.equal(undefined)
    for (const value of [
      'Alice',
      'Bob',
      '1234',
      'Schmidt',
      '1',
      'true',
      'US',
      'female',
      '2024-01-15',
      '1990-01-01T00:00:00Z',
      'aaaaaa',
      '127.0.0.1',
      '  ',
      'John Doe',
    ])
      expect(identifierOf(value), value).to.equal(undefined)
  })

  it('recognises each kind by its shape and puts it in one normal form', () => {
    expect(identifierOf('Alice@Example.COM')).to.deep.equal({kind: 'email', value: 'alice@example.com'})
    expect(identifierOf('+44 20 7946 0958', 'contact')).to.deep.equal({kind: 'phone', value: '+442079460958'})
    expect(identifierOf('0044 20 7946 0958', 'contact')).to.deep.equal({kind: 'phone', value: '+442079460958'})
    expect(identifierOf('020 7946 0958', 'contact')).to.deep.equal({kind: 'phone', value: '02079460958'})
    expect(identifierOf('2001:DB8:0:0::1', 'online_id')).to.deep.equal({kind: 'ip', value: '2001:db8::1'})
    expect(identifierOf('10.1.2.3/32', 'online_id')).to.deep.equal({kind: 'ip', value: '10.1.2.3'})
    expect(identifierOf('4111 1111 1111 1111', 'financial')).to.deep.equal({kind: 'financial', value: '4111111111111111'})
    expect(identifierOf('GB82 WEST 1234 5698 7654 32')).to.deep.equal({kind: 'financial', value: 'GB82WEST12345698765432'})
    expect(identifierOf('123-45-6789', 'government_id')).to.deep.equal({kind: 'government_id', value: '123456789'})
    expect(identifierOf('QQ 12 34 56 C', 'government_id')).to.deep.equal({kind: 'government_id', value: 'QQ123456C'})
    expect(identifierOf('  Alice   Example ', 'identity')).to.deep.equal({kind: 'name', value: 'alice example'})
    expect(identifierOf('Zoe\u0308 Mu\u0308ller', 'identity')).to.deep.equal({kind: 'name', value: 'zoë müller'})
    expect(identifierOf('12345678901', 'online_id')).to.deep.equal({kind: 'external_id', value: '12345678901'})
  })

  it('ignores categories that name nobody, and what an erasure wrote', () => {
    expect(identifierOf('alice@example.com', 'none')).to.equal(undefined)
    expect(identifierOf('Alice Example', 'free_text')).to.equal(undefined)
    expect(identifierOf('redacted@redacted.invalid', 'contact')).to.equal(undefined)
    expect(identifierOf('user-1a2b3c4d5e6f@example.invalid', 'contact')).to.equal(undefined)
    expect(identifierOf('[redacted]', 'identity')).to.equal(undefined)
    expect(identifierOf('redacted-0123456789abcdef', 'online_id')).to.equal(undefined)
    expect(identifierOf('Person 0A1B2C', 'identity')).to.equal(undefined)
    expect(identifierOf('fake-0123456789ab', 'online_id')).to.equal(undefined)
    expect(identifierOf('+1 555 0142', 'contact')).to.equal(undefined)
    expect(identifierOf('+1 555 0142 x0a1b2c3d', 'contact')).to.equal(undefined)
  })

  it("still searches for values shaped like an erasure's but not written by one", () => {
    expect(identifierOf('fake-news-editor', 'online_id')).to.deep.equal({kind: 'name', value: 'fake-news-editor'})
    expect(identifierOf('+1 555 123 4567', 'contact')).to.not.equal(undefined)
  })

  it("needs longer numbers where short ones would be someone else's counts and ids", () => {
    expect(identifierOf('555-0100', 'contact')).to.equal(undefined)
    expect(identifierOf('583231', 'online_id')).to.equal(undefined)
    expect(identifierOf('58323187', 'online_id')).to.deep.equal({kind: 'external_id', value: '58323187'})
    expect(identifierOf('12345', 'government_id')).to.equal(undefined)
  })

  it('keeps each identifier once, longest first', () => {
    const found = distinctiveIdentifiers([
      {value: 'alice@example.com', category: 'contact'},
      {value: 'ALICE@example.com', category: 'contact'},
      {value: 'Alice', category: 'identity'},
      {value: 'Alice Example', category: 'identity'},
      {value: '42'},
    ])
    expect(found).to.deep.equal([
      {kind: 'email', value: 'alice@example.com'},
      {kind: 'name', value: 'alice example'},
    ])
  })
})

describe('search patterns', () => {
  it('passes identifiers as data: LIKE wildcards and regex metacharacters are escaped', () => {
    const {likes, regexes} = searchPatterns([{kind: 'external_id', value: 'a_b%c.d(e)*'}])
    expect(likes).to.deep.equal(['%a%b%c%d%e%'])
    expect(regexes).to.have.length(1)
    expect(regexes[0]).to.include('a_b%c\\.d\\(e\\)\\*')
  })

  it('splits many identifiers over several regular expressions', () => {
    const many = Array.from({length: 95}, (_, i) => ({kind: 'email' as const, value: `person${i}@example.com`}))
    expect(searchPatterns(many).regexes).to.have.length(3)
  })
})
