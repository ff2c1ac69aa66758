import {expect} from 'chai'

import {describeDatabaseError, parsePostgresUrl, poolConfig, tlsSetting} from '../../src/lib/db/connection.js'
import {PrivacyError} from '../../src/lib/errors.js'

describe('connection settings', () => {
  it('requires TLS without verification for remote hosts, as the heroku CLI does', () => {
    expect(tlsSetting('ec2-1-2-3-4.compute-1.amazonaws.com', undefined)).to.deep.equal({rejectUnauthorized: false})
  })

  it('leaves TLS off for local hosts and sockets', () => {
    expect(tlsSetting('127.0.0.1', undefined)).to.equal(false)
    expect(tlsSetting('localhost', undefined)).to.equal(false)
    expect(tlsSetting('/var/run/postgresql', undefined)).to.equal(false)
  })

  it('follows an explicit sslmode', () => {
    expect(tlsSetting('db.example.com', 'disable')).to.equal(false)
    expect(tlsSetting('localhost', 'require')).to.deep.equal({rejectUnauthorized: false})
    expect(tlsSetting('db.example.com', 'verify-full')).to.deep.equal({rejectUnauthorized: true})
  })

  it('lets the URL sslmode win over PGSSLMODE and strips it from the connection string', () => {
    const config = poolConfig({url: 'postgres://u:p@db.example.com/app?sslmode=disable', label: 'x'}, {sslMode: 'require'})
    expect(config.ssl).to.equal(false)
    expect(config.connectionString).to.not.include('sslmode')
  })

  it('sets timeouts and the application name', () => {
    const config = poolConfig({url: 'postgres://u:p@db.example.com/app', label: 'x'})
    expect(config.application_name).to.equal('heroku-privacy')
    expect(config.statement_timeout).to.be.a('number')
    expect(config.lock_timeout).to.be.a('number')
    expect(config.idle_in_transaction_session_timeout).to.be.a('number')
  })

  it('rejects URLs that are not postgres URLs, with a usage exit code and without echoing them', () => {
    for (const url of ['mysql://u:secretpw@h/db', 'not a url', 'postgres://u:secretpw@h']) {
      let thrown: unknown
      try {
        parsePostgresUrl(url)
      } catch (error) {
        thrown = error
      }
      expect(thrown).to.be.instanceOf(PrivacyError)
      expect((thrown as PrivacyError).exitCode).to.equal(2)
      expect((thrown as PrivacyError).message).to.not.include('secretpw')
    }
  })

  it('turns driver errors into one line naming the database by label, never the password', () => {
    const target = {url: 'postgres://u:hunter22@db.example.com/app', label: 'app::DATABASE'}
    const auth = describeDatabaseError(Object.assign(new Error('password authentication failed for user "u"'), {code: '28P01'}), target)
    expect(auth.message).to.match(/^Authentication failed for app::DATABASE/)
    const refused = describeDatabaseError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'}), target)
    expect(refused.message).to.include('Could not connect to app::DATABASE')
    const other = describeDatabaseError(new Error('boom at postgres://u:hunter22@db.example.com/app'), target)
    expect(other.message).to.not.include('hunter22')
    expect(other.message).to.not.include('\n')
  })
})
