import {expect} from 'chai'

import {describeDatabaseUrl, passwordOfUrl, redactSecrets} from '../../src/lib/redact.js'

describe('redactSecrets', () => {
  it('removes userinfo from any URL', () => {
    expect(redactSecrets('failed: postgres://u1:s3cret@db.example.com:5432/app')).to.equal('failed: postgres://***@db.example.com:5432/app')
    expect(redactSecrets('drain https://user:pass@logs.example.com/x')).to.equal('drain https://***@logs.example.com/x')
  })

  it('removes every known secret wherever it appears', () => {
    expect(redactSecrets('token abcd1234 and abcd1234 again', ['abcd1234'])).to.equal('token *** and *** again')
  })

  it('ignores empty and very short secrets rather than mangling the text', () => {
    expect(redactSecrets('a b c', ['', undefined, 'b'])).to.equal('a b c')
  })
})

describe('database URL helpers', () => {
  it('names a database without its credentials', () => {
    expect(describeDatabaseUrl('postgres://user:pw@host.example.com:6543/mydb?sslmode=require')).to.equal('host.example.com:6543/mydb')
  })

  it('decodes the password so it can be redacted in its printed form', () => {
    expect(passwordOfUrl('postgres://user:p%40ss@host/db')).to.equal('p@ss')
    expect(passwordOfUrl('postgres://host/db')).to.equal(undefined)
  })
})
