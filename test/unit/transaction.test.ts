import {expect} from 'chai'

import {beginStatements} from '../../src/lib/db/transaction.js'

describe('opening a transaction', () => {
  it('says nothing it was not asked', () => {
    expect(beginStatements()).to.deep.equal(['BEGIN'])
  })

  it('puts isolation and read-only on BEGIN, then the timeouts and stable text settings as SET LOCAL', () => {
    const statements = beginStatements({isolation: 'repeatable read', readOnly: true, lockTimeoutMs: 2500.7, statementTimeoutMs: 0, stableText: true})
    expect(statements.slice(0, 3)).to.deep.equal([
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      'SET LOCAL lock_timeout = 2500',
      'SET LOCAL statement_timeout = 0',
    ])
    expect(statements.slice(3).every(s => s.startsWith('SET LOCAL '))).to.equal(true)
    expect(statements).to.include("SET LOCAL TimeZone = 'UTC'")
    expect(statements).not.to.include('SET LOCAL jit = off')
    expect(beginStatements({noJit: true})).to.deep.equal(['BEGIN', 'SET LOCAL jit = off'])
  })
})
