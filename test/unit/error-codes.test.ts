import {readFileSync} from 'node:fs'

import {expect} from 'chai'

import {ERROR_CODES, ExitCode, PrivacyError, refused, usageError, violation} from '../../src/lib/errors.js'
import {withErrorTable} from '../../scripts/readme-errors.js'

describe('error catalogue', () => {
  it('gives each code its usual exit status unless the thrower chooses another', () => {
    expect(new PrivacyError('x', {code: 'legal_hold'}).exitCode).to.equal(ExitCode.refused)
    expect(new PrivacyError('x', {code: 'ledger_broken'}).oclif.exit).to.equal(ExitCode.violations)
    expect(new PrivacyError('x').code).to.equal('error')
    expect(new PrivacyError('x', {code: 'row_security', exitCode: ExitCode.refused}).exitCode).to.equal(ExitCode.refused)
  })

  it('has helpers for the common shapes', () => {
    expect(usageError('bad flag')).to.include({code: 'usage', exitCode: ExitCode.usage})
    expect(refused('erase_slow', 'too slow', {details: {reads: 1}})).to.deep.include({code: 'erase_slow', exitCode: ExitCode.refused, details: {reads: 1}})
    expect(violation('archive_tampered', 'bad')).to.include({exitCode: ExitCode.violations})
  })

  it('documents every code in one short line', () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(code, code).to.match(/^[a-z][a-z_]*$/)
      expect(entry.doc.length, code).to.be.within(10, 140)
      expect(entry.doc.includes('\n'), code).to.equal(false)
    }
  })

  it('is the table in the README (regenerate it with npm run readme)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    expect(withErrorTable(readme)).to.equal(readme)
  })
})
