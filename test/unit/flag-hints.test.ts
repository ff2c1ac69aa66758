import {expect} from 'chai'

import {FLAG_HINTS, withFlagHints} from '../../src/cli/hints.js'
import {ERROR_CODES} from '../../src/lib/errors.js'

describe('flag hints', () => {
  it('adds the flag that settles a lib error, in a command that has it', () => {
    expect(withFlagHints('output_exists', 'alice.zip already exists.', {out: {}, force: {}})).to.equal(
      'alice.zip already exists. Choose another --out or pass --force to replace it.',
    )
    expect(withFlagHints('unknown_kind', 'customer is not a kind of person in the data map.', {kind: {}})).to.equal(
      '--kind customer is not a kind of person in the data map.',
    )
  })

  it('leaves the message alone where the command lacks a flag the hint names', () => {
    expect(withFlagHints('output_exists', 'alice.zip already exists.', {out: {}})).to.equal('alice.zip already exists.')
    expect(withFlagHints('usage', 'bad', {out: {}, force: {}})).to.equal('bad')
  })

  it('chooses among the hints of one code by the flags the command has', () => {
    expect(withFlagHints('legal_hold', 'Rows are held.', {'except-held': {}})).to.equal('Rows are held. Or erase the rest with --except-held.')
    expect(withFlagHints('legal_hold', 'R-1 is under a legal hold.', {'release-hold': {}})).to.match(/--release-hold\.$/)
  })

  it('names only codes of the catalogue', () => {
    for (const code of Object.keys(FLAG_HINTS)) expect(ERROR_CODES, code).to.have.property(code)
  })
})
