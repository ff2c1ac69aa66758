import {expect} from 'chai'

import type {ColumnInfo, TableInfo} from '../../src/lib/db/introspect.js'
import {classifyColumn} from '../../src/lib/scan/classify.js'
import {polymorphicPairs} from '../../src/lib/scan/scan.js'
import type {TableContext} from '../../src/lib/scan/table-context.js'
import {nameConcepts, nameWords} from '../../src/lib/scan/tokens.js'

const today = new Date('2026-11-24')

function column(name: string, baseType = 'text'): ColumnInfo {
  return {name, type: baseType, baseType, isArray: false, isNullable: true, default: null, maxLength: null, position: 1, generated: null}
}

function table(name: string, extra: Partial<TableContext> = {}): TableContext {
  const words = nameWords(name)
  return {
    kind: 'thing',
    isPersonLinked: false,
    holdsAddresses: false,
    words: words.map(w => nameConcepts(w)[0]!),
    nameWords: words,
    isMachine: false,
    hasLatitude: false,
    hasValueColumn: false,
    ...extra,
  }
}

const categoryOf = (name: string, context: TableContext, values?: unknown[], baseType = 'text') =>
  classifyColumn(column(name, baseType), values, {today, isKey: false, table: context}).category
const secrets = ['Zq8xN3vLp0aT7mKc2YwR5uHs9dFg1jEb', 'Lm4Qz7Xc1Vb8Nn2Tr6Yw0Pa3Sd5Fg9Hj', 'Pa9Ws2Ed4Rf6Tg8Yh1Uj3Ik5Ol7Zx0Cv']

describe('scan concepts', () => {
  it('reads a table of people named after what they belong to as people: their tokens and names are theirs', () => {
    const importedUsers = table('import_source_users', {isMachine: true, isPersonLinked: true})
    expect(categoryOf('reassignment_token', importedUsers)).to.equal('credentials')
    expect(categoryOf('source_name', importedUsers)).to.equal('identity')
    // Not tied to anyone, the same machine's token is the machine's.
    expect(categoryOf('reassignment_token', table('import_sources', {isMachine: true}))).to.equal('none')
  })

  it('takes random values on a table of tokens or sessions for secrets, whatever the column is called', () => {
    expect(categoryOf('parent', table('refresh_tokens', {isPersonLinked: true}), secrets)).to.equal('credentials')
    expect(categoryOf('id', table('session'), secrets)).to.equal('credentials')
    // Tied to a person, a session's id is a row id beside its token.
    expect(categoryOf('id', table('session', {isPersonLinked: true}), secrets)).to.equal('none')
    expect(categoryOf('parent', table('categories', {isPersonLinked: true}), secrets)).to.equal('none')
  })

  it('keeps the details of people an organisation names (its tax adviser) personal on a table of settings', () => {
    const defaults = table('defaults')
    expect(categoryOf('fa_steuerberater_street', defaults)).to.equal('location')
    expect(categoryOf('fa_steuerberater_name', defaults)).to.equal('identity')
    expect(categoryOf('managing_directors', defaults)).to.equal('identity')
    expect(categoryOf('street', defaults)).to.equal('none')
  })

  it('reads the other party of a bank transaction and its account number', () => {
    const transactions = table('bank_transactions')
    expect(categoryOf('remote_name', transactions)).to.equal('identity')
    expect(categoryOf('remote_account_number', transactions)).to.equal('financial')
    expect(categoryOf('remote_name', table('git_remotes'))).to.equal('none')
  })

  it("reads a person's handle and id at a chat service, the address of a subscriber, a year in review", () => {
    const chatNames = table('chat_names', {kind: 'authored', isPersonLinked: true})
    expect(categoryOf('chat_name', chatNames)).to.equal('contact')
    expect(categoryOf('chat_id', chatNames)).to.equal('online_id')
    expect(categoryOf('chat_id', table('chat_messages', {kind: 'authored', isPersonLinked: true}))).to.equal('none')
    expect(categoryOf('subscriber_inbox_url', table('releases_subscriptions', {isPersonLinked: true}))).to.equal('online_id')
    expect(categoryOf('data', table('generated_annual_reports', {isPersonLinked: true}), [{posts: 12}], 'jsonb')).to.equal('behavioral')
  })

  it('finds `<x>_type`/`<x>_id` pairs', () => {
    const cols = ['id', 'customized_type', 'customized_id', 'value', 'type'].map(n => column(n, n.endsWith('id') ? 'int4' : 'varchar'))
    expect(polymorphicPairs({columns: cols} as unknown as TableInfo)).to.deep.equal(['customized_type+customized_id'])
    expect(polymorphicPairs({columns: [column('targetType', 'text'), column('targetId', 'uuid')]} as unknown as TableInfo)).to.deep.equal([
      'targetType+targetId',
    ])
  })
})
