import {expect} from 'chai'
import {parseDocument} from 'yaml'

import {migrateSubjectToSubjects} from '../../src/lib/datamap/migrate-subject.js'
import {parseDataMap} from '../../src/lib/datamap/load.js'
import {subjectKinds} from '../../src/lib/datamap/schema.js'

const OLD = `version: 1
# who the people are
subject:
  table: public.users # the accounts
  key: id
  lookup: [email]
tables:
  public.users:
    erase: delete
    columns:
      email: { category: contact }
`

describe('a single subject: becomes subjects: on save', () => {
  it('moves the subject under its kind name, keeping comments, and loads as the same kind', () => {
    const document = parseDocument(OLD)
    expect(migrateSubjectToSubjects(document)).to.equal('user')
    const text = document.toString({lineWidth: 0})
    expect(text).to.include('# who the people are\nsubjects:\n  user:\n')
    expect(text).to.include('table: public.users # the accounts')
    expect(text).to.not.match(/^subject:/m)
    const before = subjectKinds(parseDataMap(OLD, 'privacy.yml').map)
    const after = subjectKinds(parseDataMap(text, 'privacy.yml').map)
    expect(after).to.deep.equal(before)
  })

  it('leaves a map that already names its kinds alone', () => {
    const text = OLD.replace('subject:\n  table', 'subjects:\n  member:\n    table').replace('  key: id\n  lookup', '    key: id\n    lookup')
    const document = parseDocument(text)
    expect(migrateSubjectToSubjects(document)).to.equal(undefined)
    expect(document.toString({lineWidth: 0})).to.equal(parseDocument(text).toString({lineWidth: 0}))
  })
})
