import {expect} from 'chai'

import {checkDrainUrl} from '../../src/lib/logs/drains.js'
import {parseLogplexBody, parseSyslog, parseTimestamp} from '../../src/lib/logs/frames.js'
import {tokenBuckets} from '../../src/lib/logs/rate-limit.js'
import {isLoopbackHost} from '../../src/lib/loopback.js'
import {redactionList, redactorFor} from '../../src/lib/logs/redaction.js'
import {parseRetention} from '../../src/lib/logs/store.js'
import {logplexBody, logplexFrame} from '../support/logplex.js'

const AT = new Date('2026-11-24T10:00:00.000Z')
const messages = (body: Buffer) => parseLogplexBody(body).lines.map(l => l.message)

describe('Logplex frames', () => {
  it('reads a batch of frames with their syslog fields', () => {
    const parsed = parseLogplexBody(logplexBody(['one', 'two words', 'three'], {app: 'heroku', proc: 'router', at: AT, priority: 158}))
    expect(parsed.malformed).to.equal(0)
    expect(parsed.lines).to.have.length(3)
    expect(parsed.lines[1]).to.deep.equal({priority: 158, loggedAt: AT.toISOString(), host: 'host', app: 'heroku', proc: 'router', message: 'two words'})
  })

  it('counts lengths in bytes, not characters', () => {
    expect(messages(logplexBody(['Grüße aus Köln ✓', 'next'], {at: AT}))).to.deep.equal(['Grüße aus Köln ✓', 'next'])
  })

  it('accepts frames that end with a newline counted in their length, and newlines between frames', () => {
    const syslog = `<190>1 ${AT.toISOString()} host app web.1 - with newline\n`
    const body = Buffer.from(`${Buffer.byteLength(syslog)} ${syslog}\n${logplexFrame('after', {at: AT})}\r\n`)
    expect(messages(body)).to.deep.equal(['with newline', 'after'])
  })

  it('keeps an empty message', () => {
    const syslog = `<190>1 ${AT.toISOString()} host app web.1 -`
    expect(messages(Buffer.from(`${syslog.length} ${syslog}`))).to.deep.equal([''])
  })

  it('skips a frame whose length runs past the body, keeping the frames before it', () => {
    const body = Buffer.from(logplexFrame('good', {at: AT}) + logplexFrame('cut off', {at: AT}).slice(0, -3))
    const parsed = parseLogplexBody(body)
    expect(parsed.lines.map(l => l.message)).to.deep.equal(['good'])
    expect(parsed.malformed).to.equal(1)
  })

  it('skips a frame whose length is too short and picks up at the next frame', () => {
    const lying = logplexFrame('this length lies', {at: AT}).replace(/^\d+/, n => String(Number(n) - 5))
    const parsed = parseLogplexBody(Buffer.from(logplexFrame('first', {at: AT}) + lying + logplexFrame('last', {at: AT})))
    expect(parsed.lines.map(l => l.message)).to.deep.equal(['first', 'last'])
    expect(parsed.malformed).to.equal(1)
  })

  it('skips a frame whose length is too long and picks up at the next frame', () => {
    const lying = logplexFrame('this length lies too', {at: AT}).replace(/^\d+/, n => String(Number(n) + 7))
    const parsed = parseLogplexBody(Buffer.from(logplexFrame('first', {at: AT}) + lying + logplexFrame('last message here', {at: AT})))
    expect(parsed.lines.map(l => l.message)).to.deep.equal(['first', 'last message here'])
    expect(parsed.malformed).to.equal(1)
  })

  it("finds the next frame even when the bad frame's message ends in digits", () => {
    const lying = logplexFrame('request took 1234', {at: AT}).replace(/^\d+/, n => String(Number(n) - 6))
    const parsed = parseLogplexBody(Buffer.from(lying + logplexFrame('next', {at: AT}) + logplexFrame('last', {at: AT})))
    expect(parsed.lines.map(l => l.message)).to.deep.equal(['next', 'last'])
    expect(parsed.malformed).to.equal(1)
  })

  it('does not mistake text that looks like a length inside a bad frame for a frame', () => {
    const content = '<190>1 2026-11-24T10:00:00Z host app web.1 - took 12 <5 ms'
    const bad = `${content.length - 3} ${content}`
    const parsed = parseLogplexBody(Buffer.from(bad + logplexFrame('good', {at: AT})))
    expect(parsed.lines.map(l => l.message)).to.deep.equal(['good'])
    expect(parsed.malformed).to.equal(1)
  })

  it('counts garbage, bad priorities, versions and timestamps as malformed', () => {
    const frames = [
      'garbage without any frame',
      '<192>1 2026-11-24T10:00:00Z host app web.1 - priority too high',
      '<190>2 2026-11-24T10:00:00Z host app web.1 - version 2',
      '<190>1 2026-02-31T10:00:00Z host app web.1 - 31 February',
      '<190>1 2026-11-24T25:00:00Z host app web.1 - hour 25',
      '<190>1 2026-11-24 host app',
    ].map(s => `${Buffer.byteLength(s)} ${s}`)
    const parsed = parseLogplexBody(Buffer.from(frames.join('') + logplexFrame('survivor', {at: AT})))
    expect(parsed.lines.map(l => l.message)).to.deep.equal(['survivor'])
    expect(parsed.malformed).to.equal(frames.length)
  })

  it('treats a body that is not octet-counted at all as one malformed frame', () => {
    const parsed = parseLogplexBody(Buffer.from('hello world, this is not logplex'))
    expect(parsed).to.deep.equal({lines: [], malformed: 1})
  })

  it('replaces NUL bytes, which Postgres text cannot hold', () => {
    expect(messages(logplexBody(['a\u0000b'], {at: AT}))).to.deep.equal(['a\uFFFDb'])
  })

  it('parses RFC 3339 timestamps strictly, with offsets and fractions', () => {
    expect(parseTimestamp('2026-11-24T10:00:00.123456+01:00')).to.equal('2026-11-24T09:00:00.123Z')
    expect(parseTimestamp('2026-11-24T10:00:00Z')).to.equal('2026-11-24T10:00:00.000Z')
    expect(parseTimestamp('2026-13-01T00:00:00Z')).to.equal(null)
    expect(parseTimestamp('yesterday')).to.equal(null)
    expect(parseSyslog('<190>1 2026-11-24T10:00:00Z host app web.1 - x')?.message).to.equal('x')
  })
})

describe('log redaction', () => {
  it('redacts the presets and keeps the names of credential fields', () => {
    const redactor = redactorFor(['email', 'ip', 'password', 'bearer', 'card'])
    const line = 'user=alice@example.com from 203.0.113.9 password=hunter2&x=1 Authorization: Bearer abc.def card 4111 1111 1111 1111'
    const out = redactor.apply(line)
    expect(out).to.not.include('alice@example.com')
    expect(out).to.not.include('203.0.113.9')
    expect(out).to.not.include('hunter2')
    expect(out).to.not.include('abc.def')
    expect(out).to.not.include('4111')
    expect(out).to.include('password=[redacted]')
    expect(out).to.include('Bearer [redacted]')
  })

  it('accepts a regular expression and refuses an invalid one with a usage error', () => {
    expect(redactorFor(['session=\\w+']).apply('a session=abc123 b')).to.equal('a [redacted] b')
    expect(() => redactorFor(['(']))
      .to.throw(/not a regular expression/)
      .with.property('exitCode', 2)
  })

  it('leaves lines alone when nothing is configured', () => {
    expect(redactorFor([]).apply('alice@example.com')).to.equal('alice@example.com')
  })

  it('reads comma lists from flags and the environment alike, keeping commas that belong to a pattern', () => {
    expect(redactionList(['password,bearer'])).to.deep.equal(['password', 'bearer'])
    expect(redactionList(['password', 'bearer,password'])).to.deep.equal(['password', 'bearer'])
    expect(redactionList([' password , bearer ,'])).to.deep.equal(['password', 'bearer'])
    expect(redactionList([String.raw`\d{1,3},email,[,;]x,(a|b,c)`])).to.deep.equal([String.raw`\d{1,3}`, 'email', '[,;]x', '(a|b,c)'])
    expect(redactionList([String.raw`a\,b,c`, '[(],d'])).to.deep.equal([String.raw`a\,b`, 'c', '[(]', 'd'])
    expect(redactionList([''])).to.deep.equal([])
  })

  it('refuses a bare word that is not a preset, and says what it applies', () => {
    expect(() => redactorFor(['passwords']))
      .to.throw(/passwords is not a preset — did you mean password\?/)
      .with.property('exitCode', 2)
    expect(redactorFor(['password', String.raw`\bsecret\b`]).applied).to.deep.equal(['password (preset)', String.raw`/\bsecret\b/ (pattern)`])
  })
})

describe('retention periods and rate limits', () => {
  it('reads durations of a day or more', () => {
    expect(parseRetention('30d')).to.equal(30 * 86_400_000)
    expect(parseRetention('2w')).to.equal(14 * 86_400_000)
    expect(parseRetention('72h')).to.equal(3 * 86_400_000)
    expect(parseRetention('30 days')).to.equal(30 * 86_400_000)
    expect(() => parseRetention('12h')).to.throw(/a day or more/)
    expect(() => parseRetention('soon')).to.throw(/not a duration/)
  })

  it('allows bursts of twice the rate, then the rate', () => {
    let now = 0
    const allow = tokenBuckets(10, () => now)
    const burst = Array.from({length: 25}, () => allow('drain')).filter(Boolean).length
    expect(burst).to.equal(20)
    expect(allow('other')).to.equal(true)
    now += 500
    expect(Array.from({length: 10}, () => allow('drain')).filter(Boolean).length).to.equal(5)
  })
})

describe('drain URLs', () => {
  it('wants https with credentials', () => {
    expect(checkDrainUrl('https://u:p@logs.example.com/drain', {allowNoAuth: false}).hostname).to.equal('logs.example.com')
    expect(() => checkDrainUrl('http://u:p@logs.example.com/drain', {allowNoAuth: false})).to.throw(/https/)
    expect(() => checkDrainUrl('https://logs.example.com/drain', {allowNoAuth: false})).to.throw(/no credentials/)
    expect(() => checkDrainUrl('not a url', {allowNoAuth: false})).to.throw(/not a URL/)
  })

  it('allows plain http to this machine, and no credentials when asked', () => {
    expect(checkDrainUrl('http://u:p@127.0.0.1:5000/', {allowNoAuth: false}).port).to.equal('5000')
    expect(checkDrainUrl('https://logs.example.com/drain', {allowNoAuth: true}).pathname).to.equal('/drain')
  })
})

describe('loopback hosts', () => {
  it("knows this machine's addresses, and only those", () => {
    for (const host of ['localhost', 'LOCALHOST.', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', '[::ffff:7f00:1]', '[::ffff:127.0.0.1]'])
      expect(isLoopbackHost(host), host).to.equal(true)
    for (const host of ['localhost.example.com', '10.0.0.1', '128.0.0.1', '[::2]', 'example.com', '0.0.0.0', '[::ffff:a00:1]'])
      expect(isLoopbackHost(host), host).to.equal(false)
  })
})
