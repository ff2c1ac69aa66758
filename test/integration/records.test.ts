import {readFile, rm, writeFile} from 'node:fs/promises'

import {expect} from 'chai'
import {parseDocument} from 'yaml'

import {runCli, useSimulator, writeReviewedMap} from '../support/context.js'

describe('privacy:records', () => {
  const ctx = useSimulator()
  let dir: string
  let map: string

  before(async function () {
    this.timeout(120_000)
    ;({dir, map} = await writeReviewedMap(['-a', 'privacy-demo'], ctx.env))
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const records = (...args: string[]) => runCli(['privacy:records', '-a', 'privacy-demo', '--map', map, ...args], ctx.env)

  it('builds the Art. 30 record from the map, the inventory and the Data API', async () => {
    const result = await records('--format', 'json')
    expect(result.code, result.stderr).to.equal(0)
    const record = JSON.parse(result.stdout)
    expect(record.controller).to.include({name: 'Example Shop GmbH', dpo: 'dpo@shop.example'})
    expect(record.dataSubjects).to.deep.equal(['customers', 'prospects in Salesforce'])
    const accounting = record.activities.find((a: {purpose: string}) => a.purpose === 'accounting')
    expect(accounting).to.deep.include({legalBasis: 'legal_obligation', tables: ['public.orders', 'public.payments']})
    expect(accounting.categories).to.include('financial')
    expect(accounting.recipients).to.include.members(['Salesforce, Inc. (Heroku)', 'Example Payments Ltd'])
    const security = record.activities.find((a: {purpose: string}) => a.purpose === 'security')
    expect(security.retention).to.include('public.users (signup_ip): 90 days after sign-up')
    expect(record.recipients.find((r: {id: string}) => r.id === 'salesforce')).to.deep.include({receives: ['salesforce.contact'], country: 'United States'})
    const places = Object.fromEntries(record.locations.map((l: {what: string; inEea: boolean; safeguard: string}) => [l.what, [l.inEea, l.safeguard]]))
    expect(places['app privacy-demo']).to.deep.equal([true, null])
    expect(places['database privacy-demo::DATABASE']).to.deep.equal([true, null])
    expect(places['recipient Salesforce, Inc. (Sales Cloud)']).to.deep.equal([false, 'EU-US Data Privacy Framework'])
    const measures = Object.fromEntries(record.security.map((s: {measure: string; status: string}) => [s.measure, s.status]))
    expect(measures).to.include({
      'Encryption at rest': 'In Use',
      'Shield Private Space': 'no (Common Runtime)',
      'Log drains over TLS': '1 of 1',
      'Scheduled backups': 'scheduled',
    })
    expect(record.stores.map((s: {kind: string}) => s.kind)).to.include.members(['postgres', 'log-drain', 'logplex'])
    expect(record.unreviewed).to.deep.equal([])
  })

  it('renders Markdown and HTML with every Art. 30(1) part', async () => {
    const md = await records()
    expect(md.code, md.stderr).to.equal(0)
    for (const part of ['(a)', '(b)', '(c)', '(d)', '(e)', '(f)', '(g)']) expect(md.stdout).to.include(`(Art. 30(1)${part}`)
    expect(md.stdout).to.match(/\| Keep invoices and payment records \| legal obligation, Art\. 6\(1\)\(c\) \|/)
    expect(md.stdout).to.match(
      /\| recipient Salesforce, Inc\. \(Sales Cloud\) \| United States \| United States \| NO — transfer \| EU-US Data Privacy Framework \|/,
    )
    const html = await records('--format', 'html')
    expect(html.stdout).to.match(/^<!doctype html>\n<html lang="en">/)
    expect(html.stdout).to.include('<th scope="col">Legal basis</th>')
  })

  it('stays true when the map changes, and says what is unreviewed', async () => {
    const document = parseDocument(await readFile(map, 'utf8'))
    document.setIn(['recipients', 'mailer'], document.createNode({name: 'Mailer Pty', role: 'processor', country: 'Australia', review: true}))
    document.setIn(['tables', 'public.users', 'processing', 'recipients'], document.createNode(['mailer']))
    await writeFile(map, document.toString())
    const result = await records('--format', 'json')
    const record = JSON.parse(result.stdout)
    expect(record.locations.find((l: {what: string}) => l.what === 'recipient Mailer Pty')).to.deep.include({
      country: 'Australia',
      inEea: false,
      safeguard: null,
    })
    expect(record.activities.find((a: {purpose: string}) => a.purpose === 'service').recipients).to.include('Mailer Pty')
    expect(record.unreviewed).to.deep.equal(['recipients.mailer'])
    expect(result.stderr.replace(/\s+›\s+/g, ' ')).to.match(/1 entry of .* is still marked review: true/)
    expect((await records()).stdout).to.include('| recipient Mailer Pty | Australia | Australia | NO — transfer | NONE STATED |')
  })
})
