import {expect} from 'chai'

import {parseDataMap} from '../../src/lib/datamap/load.js'
import {buildArt15Facts} from '../../src/lib/export/art15.js'
import {renderIndexHtml} from '../../src/lib/export/html.js'
import {localeText} from '../../src/lib/export/i18n/index.js'

const MAP = `version: 1
controller: { name: "Shop <b>& Co</b>", contact: privacy@shop.example }
purposes:
  service: { description: "Run <your> account", legal_basis: contract }
subject: { table: public.users, key: id, lookup: [id] }
tables:
  public.users:
    processing: { purposes: [service], source: person, automated_decisions: [] }
    retention: { column: created_at, after: 1 year, action: anonymize }
    columns:
      id: { category: none }
      bio: { category: free_text, erase: redact, label: { en: "About <you>" } }
      created_at: { category: none }
`

function page(locale: 'en' | 'de' | 'fr', row: Record<string, unknown>) {
  const {map} = parseDataMap(MAP, 'privacy.yml')
  return renderIndexHtml({
    locale,
    generatedAt: '2028-02-29T12:00:00.000Z',
    request: null,
    tool: {name: 'heroku-privacy', version: '0.0.0'},
    map,
    facts: buildArt15Facts(map, ['public.users']),
    tables: [{table: 'public.users', columns: ['id', 'bio', 'created_at'], rows: [row], totalRows: 1, file: 'data/public.users.json'}],
    columnTypes: new Map([
      [
        'public.users',
        new Map([
          ['id', 'int8'],
          ['bio', 'text'],
          ['created_at', 'timestamptz'],
        ]),
      ],
    ]),
    withheld: [],
    pseudonymised: [],
    notCovered: {standard: ['backups'], unreachable: [], other: []},
  })
}

describe('the export page', () => {
  it("escapes the person's values and the map's text", () => {
    const html = page('en', {id: 1, bio: '<script>alert(1)</script><img src=x onerror=alert(2)>', created_at: '2025-03-01T10:30:00.123456+00:00'})
    expect(html).to.not.include('<script>')
    expect(html).to.not.include('<img')
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).to.include('Shop &lt;b&gt;&amp; Co&lt;/b&gt;')
    expect(html).to.include('<th scope="col">About &lt;you&gt;</th>')
  })

  it("writes dates, numbers and durations the locale's way", () => {
    const row = {id: 1, bio: 'x', created_at: '2025-03-01T10:30:00.123456+00:00'}
    expect(page('de', row)).to.include('Anonymisiert 1 Jahr nach Angelegt')
    expect(page('fr', row)).to.include('Anonymisées 1 an après Créé')
    expect(page('en', row)).to.include('<time datetime="2025-03-01T10:30:00.123456+00:00">March 1, 2025 at 10:30 AM UTC</time>')
    expect(page('de', row)).to.include('29. Februar 2028 um 12:00 UTC')
    expect(localeText('fr').number(1234567)).to.equal('1\u202f234\u202f567')
    expect(localeText('de').duration('18 months')).to.equal('18 Monate')
  })
})
