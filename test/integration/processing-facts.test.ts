import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'
import {parseDocument} from 'yaml'

import {parseDataMap} from '../../src/lib/datamap/load.js'
import {withReviewedFacts} from '../support/processing-facts.js'
import {runCli, useSimulator, writeReviewedMap} from '../support/context.js'

describe('processing facts: scan placeholders and the check rules', () => {
  const ctx = useSimulator()
  let dir: string
  let map: string

  before(async () => {
    ctx.sim.addOtherAddon(ctx.world.demo, 'sendgrid:starter', 'SENDGRID')
    dir = await mkdtemp(join(tmpdir(), 'privacy-facts-'))
    map = join(dir, 'privacy.yml')
    const scan = await runCli(['privacy:scan', '-a', 'privacy-demo', '--out', map, '--json'], ctx.env)
    expect(scan.code, scan.stderr).to.equal(0)
    expect(JSON.parse(scan.stdout).added).to.include.members(['recipients.addon-sendgrid', 'recipients.drain-logs-example-com'])
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const check = (file: string, ...rules: string[]) =>
    runCli(['privacy:check', '-a', 'privacy-demo', '--map', file, '--format', 'json', ...rules.flatMap(r => ['--only', r])], ctx.env)

  it('writes placeholders for what a scan cannot know, each marked for review', async () => {
    const {map: written} = parseDataMap(await readFile(map, 'utf8'), map)
    expect(written.controller).to.include({review: true})
    expect(written.purposes?.service).to.include({legal_basis: 'contract', review: true})
    expect(written.recipients?.heroku).to.include({all_data: true, country: 'eu', review: true})
    expect(written.recipients?.['drain-logs-example-com']).to.include({name: 'logs.example.com', all_data: true, review: true})
    expect(written.recipients?.['addon-sendgrid']).to.include({role: 'processor', review: true})
    expect(written.tables['salesforce.contact']!.processing).to.deep.include({
      purposes: ['customer_relations'],
      recipients: ['salesforce'],
      source: 'salesforce',
      review: true,
    })
    expect(written.tables['public.page_views']!.processing).to.include({source: 'observed'})
    expect(written.tables['public.users']!.processing).to.deep.include({purposes: ['service'], source: 'person', automated_decisions: []})
    const excluded = written.exclude ?? []
    for (const key of excluded) expect(written.tables[key], `${key} is excluded`).to.equal(undefined)
  })

  it('fails privacy:check while a placeholder is unreviewed, naming each with its line', async () => {
    const result = await check(map, 'map-reviewed', 'purposes')
    expect(result.code).to.equal(3)
    const report = JSON.parse(result.stdout)
    const review = report.findings.find((f: {rule: string}) => f.rule === 'map-reviewed')
    expect(review.message).to.match(/entries of the data map are still marked review: true/)
    const line = Number(/privacy\.yml:(\d+) controller/.exec(review.evidence)![1])
    expect((await readFile(map, 'utf8')).split('\n')[line - 1]).to.match(/^\s+review: true$/)
    expect(report.findings.filter((f: {rule: string}) => f.rule === 'purposes')).to.deep.equal([])
  })

  it('fails privacy:check with the purposes rule for a table without purposes or a purpose without a legal basis', async () => {
    const reviewed = parseDocument(withReviewedFacts(await readFile(map, 'utf8')))
    const file = join(dir, 'reviewed.yml')
    await writeFile(file, reviewed.toString())
    const passing = await check(file, 'map-reviewed', 'purposes')
    expect(passing.code, passing.stdout).to.equal(0)

    reviewed.deleteIn(['tables', 'public.orders', 'processing', 'purposes'])
    reviewed.deleteIn(['purposes', 'analytics', 'legal_basis'])
    await writeFile(file, reviewed.toString())
    const failing = await check(file, 'purposes')
    expect(failing.code).to.equal(3)
    const messages = JSON.parse(failing.stdout).findings.map((f: {message: string; evidence: string}) => `${f.message}: ${f.evidence}`)
    expect(messages).to.include('1 table(s) hold personal data without a stated purpose: public.orders')
    expect(messages).to.include('1 purpose(s) have no legal basis: analytics')
  })

  it('adds placeholders to a map written before processing facts, keeping what people wrote', async () => {
    const old = parseDocument(await readFile(map, 'utf8'))
    for (const key of ['controller', 'purposes', 'recipients']) old.delete(key)
    for (const table of Object.keys(old.toJS().tables)) if (old.hasIn(['tables', table, 'processing'])) old.deleteIn(['tables', table, 'processing'])
    old.setIn(['tables', 'public.orders', 'note'], 'kept for the tax office')
    const file = join(dir, 'old.yml')
    await writeFile(file, old.toString())
    expect(parseDataMap(old.toString(), file).map.controller).to.equal(undefined)
    const scan = await runCli(['privacy:scan', '--database-url', ctx.sim.databaseUrl(ctx.world.demoDatabase), '--out', file, '--json'], ctx.env)
    expect(scan.code, scan.stderr).to.equal(0)
    expect(JSON.parse(scan.stdout).added).to.include.members(['controller', 'purposes.service', 'public.users processing', 'public.orders processing'])
    const {map: updated} = parseDataMap(await readFile(file, 'utf8'), file)
    expect(updated.tables['public.orders']!.note).to.equal('kept for the tax office')
    expect(updated.tables['public.users']!.processing).to.include({review: true})
  })

  it('lists the recipients to tell of an erasure (Art. 19), from the map', async () => {
    const {map: reviewed} = await writeReviewedMap(['-a', 'privacy-demo'], ctx.env)
    const erase = (...args: string[]) => runCli(['privacy:erase', '-a', 'privacy-demo', '--map', reviewed, '--subject', 'id=1', ...args], ctx.env)
    const dry = await erase('--dry-run', '--json')
    expect(dry.code, dry.stderr).to.equal(0)
    const recipients = Object.fromEntries(JSON.parse(dry.stdout).recipientsToTell.map((r: {id: string; tables: unknown}) => [r.id, r.tables]))
    expect(recipients).to.deep.equal({heroku: 'all', payments: ['public.orders', 'public.payments'], salesforce: ['salesforce.contact']})
    const text = await erase('--dry-run')
    expect(text.stdout).to.match(/After the erasure, tell the recipients of this data that it was erased \(Art\. 19\)/)
    expect(text.stdout).to.include('  - Example Payments Ltd (controller): public.orders, public.payments')
  })
})
