import {expect} from 'chai'

import type {ColumnInfo} from '../../src/lib/db/introspect.js'
import {classifyColumn} from '../../src/lib/scan/classify.js'

const today = new Date('2026-11-24')

function column(name: string, baseType = 'text', extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return {name, type: baseType, baseType, isArray: false, isNullable: true, default: null, maxLength: null, position: 1, generated: null, ...extra}
}

describe('classifyColumn', () => {
  it('finds contact data by value when the name says nothing', () => {
    const finding = classifyColumn(column('col_a'), ['a@example.com', 'b@example.org', 'c@example.net', 'd@example.com', 'e@example.com'], {
      today,
      isKey: false,
    })
    expect(finding.category).to.equal('contact')
    expect(finding.holdsEmails).to.equal(true)
    expect(finding.evidence.join(' ')).to.include('e-mail addresses')
  })

  it('finds card numbers by Luhn even under an innocent name', () => {
    expect(classifyColumn(column('ref'), ['4111111111111111', '5500005555555559', '4012888888881881'], {today, isKey: false}).category).to.equal('financial')
  })

  it('combines name and values into a higher confidence', () => {
    const byName = classifyColumn(column('email'), undefined, {today, isKey: false})
    const both = classifyColumn(column('email'), ['a@example.com', 'b@example.com'], {today, isKey: false})
    expect(both.confidence).to.be.greaterThan(byName.confidence)
  })

  it('reads JSON keys', () => {
    const finding = classifyColumn(column('data', 'jsonb'), [{contact_email: 'a@example.com', theme: 'dark'}, {nested: {phone: '+44 20 7946 0958'}}], {
      today,
      isKey: false,
    })
    expect(finding.category).to.not.equal('none')
    expect(finding.jsonKeys).to.include('contact_email')
    expect(finding.jsonKeys).to.include('phone')
  })

  it('flags free text that contains emails or phone numbers', () => {
    const finding = classifyColumn(column('col_b'), ['Please call me on +44 20 7946 0958 about my order', 'Write to me at bob@example.org if needed'], {
      today,
      isKey: false,
    })
    expect(finding.category).to.equal('free_text')
  })

  it('treats inet columns as online identifiers', () => {
    expect(classifyColumn(column('origin', 'inet'), undefined, {today, isKey: false}).category).to.equal('online_id')
  })

  it('leaves keys and ordinary columns as none', () => {
    expect(classifyColumn(column('user_id', 'int8'), undefined, {today, isKey: true}).category).to.equal('none')
    expect(classifyColumn(column('status'), ['paid', 'shipped', 'pending'], {today, isKey: false}).category).to.equal('none')
    expect(classifyColumn(column('placed_on', 'date'), ['2026-01-02', '2025-12-30'], {today, isKey: false}).category).to.equal('none')
  })
})
