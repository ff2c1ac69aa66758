import {expect} from 'chai'

import {
  containsEmail,
  containsPhone,
  isBirthDate,
  isCardNumber,
  isEmail,
  isIban,
  isIpAddress,
  isPhone,
  isPostcode,
  isUsSsn,
  passesLuhn,
} from '../../src/lib/scan/validators.js'

describe('value validators', () => {
  it('email', () => {
    expect(isEmail('alice@example.com')).to.equal(true)
    expect(isEmail('a.b+tag@sub.example.co.uk')).to.equal(true)
    expect(isEmail('not an email')).to.equal(false)
    expect(isEmail('alice@localhost')).to.equal(false)
  })

  it('phone numbers in E.164 and national forms', () => {
    expect(isPhone('+44 20 7946 0958')).to.equal(true)
    expect(isPhone('+1 555 0100123')).to.equal(true)
    expect(isPhone('020 7946 0958')).to.equal(true)
    expect(isPhone('(415) 555-0100')).to.equal(true)
    expect(isPhone('12345')).to.equal(false)
    expect(isPhone('2026-01-01')).to.equal(false)
  })

  it('IPv4 and IPv6', () => {
    expect(isIpAddress('192.0.2.10')).to.equal(true)
    expect(isIpAddress('2001:db8::1')).to.equal(true)
    expect(isIpAddress('10.0.0.0/8')).to.equal(true)
    expect(isIpAddress('999.1.1.1')).to.equal(false)
  })

  it('card numbers only when the Luhn check passes', () => {
    expect(passesLuhn('4111111111111111')).to.equal(true)
    expect(isCardNumber('4111 1111 1111 1111')).to.equal(true)
    expect(isCardNumber('4111111111111112')).to.equal(false)
    expect(isCardNumber('0000000000000000')).to.equal(false)
  })

  it('IBANs only when mod-97 passes', () => {
    expect(isIban('GB82 WEST 1234 5698 7654 32')).to.equal(true)
    expect(isIban('DE89370400440532013000')).to.equal(true)
    expect(isIban('GB82WEST12345698765433')).to.equal(false)
  })

  it('US SSNs, excluding never-issued ranges', () => {
    expect(isUsSsn('123-45-6789')).to.equal(true)
    expect(isUsSsn('000-12-3456')).to.equal(false)
    expect(isUsSsn('666-12-3456')).to.equal(false)
    expect(isUsSsn('923-45-6789')).to.equal(false)
  })

  it('postcodes of several countries', () => {
    for (const code of ['SW1A 1AA', '10115', '94103-1234', '1012 AB', 'K1A 0B1', '00-950', '1000-001', 'D02 X285']) {
      expect(isPostcode(code), code).to.equal(true)
    }
    expect(isPostcode('hello')).to.equal(false)
  })

  it('plausible birth dates', () => {
    const today = new Date('2026-11-24')
    expect(isBirthDate('1980-05-01', today)).to.equal(true)
    expect(isBirthDate('2025-01-01', today)).to.equal(false)
    expect(isBirthDate('1890-01-01', today)).to.equal(false)
  })

  it('emails and phones inside free text', () => {
    expect(containsEmail('write to bob@example.org please')).to.equal(true)
    expect(containsPhone('call me on +44 20 7946 0958 tomorrow')).to.equal(true)
    expect(containsPhone('order 12 of 2026')).to.equal(false)
  })
})
