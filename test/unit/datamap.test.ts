import {expect} from 'chai'

import {diffMapAgainstSchema, hasDrift} from '../../src/lib/datamap/diff.js'
import {parseDataMap} from '../../src/lib/datamap/load.js'
import {subjectKinds} from '../../src/lib/datamap/schema.js'
import {PrivacyError} from '../../src/lib/errors.js'
import type {SchemaInfo, TableInfo} from '../../src/lib/db/introspect.js'

const VALID = `version: 1
subject:
  table: public.users
  key: id
  lookup: [email, id]
tables:
  public.users:
    erase: delete
    columns:
      id: { category: none }
      email: { category: contact, erase: hash }
  public.orders:
    via: { column: user_id, to: public.users.id }
    erase: anonymize
    hold: { reason: "invoices: 10-year tax retention", basis: legal_obligation }
    columns:
      id: { category: none }
      user_id: { category: none }
exclude: [public.schema_migrations]
`

function problemsOf(text: string) {
  try {
    parseDataMap(text, 'privacy.yml')
  } catch (error) {
    expect(error).to.be.instanceOf(PrivacyError)
    return {message: (error as PrivacyError).message, problems: (error as PrivacyError).details as Array<{path: string; line?: number; message: string}>}
  }
  throw new Error('expected the map to be rejected')
}

function table(key: string, columns: string[]): TableInfo {
  const [schema, name] = key.split('.') as [string, string]
  return {
    key,
    schema,
    name,
    kind: 'table',
    primaryKey: ['id'],
    uniqueConstraints: [],
    uniqueIndexes: [],
    indexes: [['id']],
    foreignKeys: [],
    rowEstimate: 0,
    partitions: [],
    inheritsFrom: null,
    inheritedBy: [],
    isReadable: true,
    canUpdate: true,
    canDelete: true,
    rowSecurity: {enabled: false, forced: false, bypassed: true},
    columns: columns.map((c, i) => ({
      name: c,
      type: 'text',
      baseType: 'text',
      isArray: false,
      isNullable: true,
      default: null,
      maxLength: null,
      position: i + 1,
      generated: null,
    })),
  }
}

describe('privacy.yml parsing', () => {
  it('accepts the documented format', () => {
    const loaded = parseDataMap(VALID, 'privacy.yml')
    expect(subjectKinds(loaded.map)).to.deep.equal([{name: 'user', table: 'public.users', key: 'id', lookup: ['email', 'id']}])
    expect(loaded.map.tables['public.orders']?.hold?.basis).to.equal('legal_obligation')
  })

  it('reports invalid YAML with its line', () => {
    const {problems} = problemsOf('version: 1\nsubject: [unclosed\n')
    expect(problems[0]!.line).to.be.a('number')
  })

  it('reports a key given twice with its line, as yaml words it', () => {
    const {problems} = problemsOf(VALID.replace('    erase: delete\n', '    erase: delete\n    erase: anonymize\n'))
    expect(problems).to.have.length(1)
    expect(problems[0]).to.deep.include({path: '(yaml)', line: 9, message: 'Map keys must be unique'})
  })

  it('reads an empty file as an empty document, which lacks what a map needs', () => {
    const {problems} = problemsOf('# nothing yet\n')
    expect(problems.map(p => p.path)).to.deep.equal(['(top)'])
  })

  it('reads the same data yaml reads, and hands over the Document with its comments for an edit', () => {
    const text = `# reviewed by the DPO\n${VALID.replace('version: 1', 'version: 1 # the format')}`
    const loaded = parseDataMap(text, 'privacy.yml')
    expect(loaded.raw).to.deep.equal(loaded.document.toJS())
    loaded.document.setIn(['tables', 'public.orders', 'erase'], 'delete')
    expect(loaded.document.toString()).to.include('# reviewed by the DPO').and.include('version: 1 # the format')
    expect(parseDataMap(loaded.document.toString(), 'privacy.yml').map.tables['public.orders']?.erase).to.equal('delete')
  })

  it('reports every problem at once, each with its path and line', () => {
    const broken = VALID.replace('email: { category: contact, erase: hash }', 'email: { category: contacts, erase: shred }').replace(
      'erase: anonymize',
      'erase: anonymize\n    colour: blue',
    )
    const {message, problems} = problemsOf(broken)
    const byPath = new Map(problems.map(p => [p.path, p]))
    expect(byPath.get('tables.public.users.columns.email.category')?.message).to.match(/must be one of identity, contact/)
    expect(byPath.get('tables.public.users.columns.email.category')?.line).to.equal(11)
    expect(byPath.get('tables.public.users.columns.email.erase')?.message).to.match(/null, redact, hash, fake, keep/)
    expect(byPath.get('tables.public.orders.colour')?.message).to.equal('unknown key colour')
    expect(byPath.get('tables.public.orders.colour')?.line).to.equal(15)
    expect(message).to.match(/^privacy\.yml has 3 problems: privacy\.yml:11 /)
    expect(message).to.not.include('\n')
  })

  it('refuses erase: keep without a basis', () => {
    const {problems} = problemsOf(VALID.replace('email: { category: contact, erase: hash }', 'email: { category: contact, erase: keep }'))
    expect(problems[0]!.path).to.equal('tables.public.users.columns.email.basis')
  })

  it('refuses malformed durations and references', () => {
    const {problems} = problemsOf(
      VALID.replace(
        'via: { column: user_id, to: public.users.id }',
        'via: { column: user_id, to: users }\n    retention: { column: id, after: soon, action: delete }',
      ),
    )
    const paths = problems.map(p => p.path)
    expect(paths).to.include('tables.public.orders.via.to')
    expect(paths).to.include('tables.public.orders.retention.after')
  })
})

describe('drift between the map and the schema', () => {
  const map = parseDataMap(VALID, 'privacy.yml').map

  it('finds nothing when they agree', () => {
    const schema: SchemaInfo = {
      tables: new Map([
        ['public.users', table('public.users', ['id', 'email'])],
        ['public.orders', table('public.orders', ['id', 'user_id'])],
        ['public.schema_migrations', table('public.schema_migrations', ['version'])],
      ]),
    }
    expect(hasDrift(diffMapAgainstSchema(map, schema))).to.equal(false)
  })

  it('finds new tables and columns, dropped ones, and likely renames', () => {
    const schema: SchemaInfo = {
      tables: new Map([
        ['public.users', table('public.users', ['id', 'email_address', 'phone'])],
        ['public.invoices', table('public.invoices', ['id'])],
      ]),
    }
    const drift = diffMapAgainstSchema(map, schema)
    expect(drift.tablesAdded).to.deep.equal(['public.invoices'])
    expect(drift.tablesDropped).to.deep.equal(['public.orders', 'public.schema_migrations'])
    expect(drift.columnsUnclassified.map(c => c.column)).to.deep.equal(['email_address', 'phone'])
    expect(drift.columnsDropped.map(c => c.column)).to.deep.equal(['email'])
    expect(drift.renamedLooking).to.deep.equal([{table: 'public.users', from: 'email', to: 'email_address'}])
  })
})
