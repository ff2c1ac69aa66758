import {expect} from 'chai'

import {parseDataMap} from '../../src/lib/datamap/load.js'
import {missingProcessingFacts} from '../../src/lib/datamap/placeholders.js'
import {reviewMarks, tableFacts, withoutPurpose} from '../../src/lib/datamap/processing.js'
import {textIn} from '../../src/lib/datamap/processing-schema.js'
import {PrivacyError} from '../../src/lib/errors.js'

const BASE = `version: 1
subject: { table: public.users, key: id, lookup: [email] }
tables:
  public.users:
    erase: delete
    columns:
      id: { category: none }
      email: { category: contact, erase: hash, label: { en: Email address, de: E-Mail-Adresse } }
      signup_ip: { category: online_id, erase: "null" }
`

const FACTS = `controller:
  name: Example Shop GmbH
  contact: privacy@shop.example
  dpo: dpo@shop.example
  authority: { name: Berlin DPA, url: https://www.datenschutz-berlin.de }
purposes:
  service: { description: Run your account, legal_basis: contract }
  security: { description: Keep accounts safe, legal_basis: legitimate_interests, interest: Detecting abuse }
recipients:
  heroku: { name: Heroku, role: processor, all_data: true }
  mailer: { name: Mailer Inc., role: processor, country: United States, safeguard: SCCs }
`

const PROCESSING = `    processing:
      purposes: [service]
      recipients: [mailer]
      retention: As long as the account exists
      source: person
      automated_decisions: []
      groups:
        - { columns: [signup_ip], purposes: [security], retention: 90 days, source: observed }
`

function problemsOf(text: string): Array<{path: string; line?: number; message: string}> {
  try {
    parseDataMap(text, 'privacy.yml')
  } catch (error) {
    expect(error).to.be.instanceOf(PrivacyError)
    return (error as PrivacyError).details as Array<{path: string; line?: number; message: string}>
  }
  throw new Error('expected the map to be rejected')
}

describe('processing facts in the map', () => {
  it('loads a map written before processing facts existed', () => {
    const {map} = parseDataMap(BASE, 'privacy.yml')
    expect(map.controller).to.equal(undefined)
    expect(withoutPurpose(map, 'public.users')).to.deep.equal({rows: true, columns: ['email', 'signup_ip']})
  })

  it("resolves a table's purposes and recipients, and a column group's own facts over the table's", () => {
    const {map} = parseDataMap(`${FACTS}${BASE}${PROCESSING}`, 'privacy.yml')
    const facts = tableFacts(map, 'public.users')
    expect(facts.purposes.map(p => p.purpose.legal_basis)).to.deep.equal(['contract'])
    expect(facts.recipients.map(r => r.id)).to.deep.equal(['heroku', 'mailer'])
    expect(facts.decisions).to.deep.equal([])
    expect(facts.groups[0]).to.deep.include({columns: ['signup_ip'], retention: '90 days', source: 'observed'})
    expect(facts.groups[0]!.purposes.map(p => p.id)).to.deep.equal(['security'])
    expect(
      facts.groups[0]!.recipients.map(r => r.id),
      'a group inherits what it does not state',
    ).to.deep.equal(['heroku', 'mailer'])
    expect(withoutPurpose(map, 'public.users')).to.deep.equal({rows: false, columns: []})
    expect(textIn(map.tables['public.users']!.columns!.email!.label, 'de')).to.equal('E-Mail-Adresse')
    expect(textIn(map.tables['public.users']!.columns!.email!.label, 'fr'), 'falls back to English').to.equal('Email address')
  })

  it('reports unknown purposes, recipients and group columns with their lines', () => {
    const text = `${FACTS}${BASE}${PROCESSING.replace('purposes: [service]', 'purposes: [servcie]').replace('[mailer]', '[mailr]').replace('columns: [signup_ip]', 'columns: [signup_ipp]')}`
    const problems = problemsOf(text)
    const lines = text.split('\n')
    const purpose = problems.find(p => p.path === 'tables.public.users.processing.purposes.0')!
    expect(purpose.message).to.match(/purpose servcie is not defined under purposes: the map defines service, security/)
    expect(lines[purpose.line! - 1]).to.include('servcie')
    const recipient = problems.find(p => p.path === 'tables.public.users.processing.recipients.0')!
    expect(lines[recipient.line! - 1]).to.include('mailr')
    expect(problems.find(p => p.path === 'tables.public.users.processing.groups.0.columns.0')!.message).to.match(/column signup_ipp is not listed/)
  })

  it('needs the interest stated for legitimate interests, and a known legal basis', () => {
    const problems = problemsOf(`${FACTS.replace(', interest: Detecting abuse', '').replace('legal_basis: contract', 'legal_basis: contrakt')}${BASE}`)
    expect(problems.map(p => p.path)).to.include.members(['purposes.service.legal_basis', 'purposes.security.legal_basis'])
    expect(problems.find(p => p.path === 'purposes.security.legal_basis')!.message).to.match(/needs the interest stated/)
    expect(problems.find(p => p.path === 'purposes.service.legal_basis')!.message).to.match(/must be one of consent, contract/)
  })

  it('fills what is missing with placeholders marked for review, and finds each mark with its line', () => {
    const {map} = parseDataMap(BASE, 'privacy.yml')
    const missing = missingProcessingFacts(map)
    expect(missing.controller?.review).to.equal(true)
    expect(missing.tables['public.users']).to.deep.include({purposes: ['service'], source: 'person', review: true})
    expect(Object.keys(missing.recipients)).to.deep.equal(['heroku'])
    expect(missingProcessingFacts(parseDataMap(`${FACTS}${BASE}${PROCESSING}`, 'privacy.yml').map)).to.deep.equal({purposes: {}, recipients: {}, tables: {}})

    const text = `${FACTS.replace('  dpo:', '  review: true\n  dpo:')}${BASE}${PROCESSING.replace('      source: person', '      source: person\n      review: true')}`
    const marks = reviewMarks(parseDataMap(text, 'privacy.yml'))
    expect(marks.map(m => m.path)).to.deep.equal(['controller', 'tables.public.users.processing'])
    for (const mark of marks) expect(text.split('\n')[mark.line! - 1]).to.match(/^\s+review: true$/)
  })
})
