import {readFile, rm, writeFile} from 'node:fs/promises'

import {expect} from 'chai'
import pg from 'pg'

import {loadFixture} from '../support/fixture/generate.js'
import {runCli, useSimulator, writeReviewedMap} from '../support/context.js'

describe('privacy:check and privacy:inventory', () => {
  const ctx = useSimulator()
  let dir: string
  let map: string

  before(async function () {
    this.timeout(120_000)
    const app = ctx.sim.createApp({
      name: 'privacy-us',
      region: 'us',
      team: 'acme',
      collaborators: ['a', 'b', 'c', 'd'].map(n => ({email: `${n}-admin@example.com`, role: 'admin' as const})),
    })
    const addon = await ctx.sim.addPostgres(app, {plan: 'heroku-postgresql:standard-0', name: 'postgresql-us-70001'})
    const client = new pg.Client({connectionString: ctx.sim.databaseUrl(addon)})
    await client.connect()
    await loadFixture(client, {users: 100})
    await client.end()
    app.drains.push({id: crypto.randomUUID(), url: 'http://user:secret-drain-pass@logs.example.com/drain', token: 'd.1', createdAt: new Date().toISOString()})
    ctx.sim.addOtherAddon(ctx.world.demo, 'heroku-redis:premium-0', 'REDIS')
    ;({dir, map} = await writeReviewedMap(['-a', 'privacy-us'], ctx.env))
    await writeFile(map, `region: eu\n${await readFile(map, 'utf8')}`)
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const check = (...args: string[]) => runCli(['privacy:check', '--map', map, ...args], ctx.env)
  const rulesFailed = (report: any, app: string) =>
    [...new Set(report.findings.filter((f: {app: string}) => f.app === app).map((f: {rule: string}) => f.rule))].sort()

  it('finds what is wrong with a US app holding card numbers, an http drain, no backups and many admins', async () => {
    const result = await check('-a', 'privacy-us', '--format', 'json')
    expect(result.code).to.equal(3)
    const report = JSON.parse(result.stdout)
    expect(rulesFailed(report, 'privacy-us')).to.include.members(['region', 'shield', 'drains-tls', 'backups', 'access'])
    const region = report.findings.find((f: {rule: string}) => f.rule === 'region')
    expect(region).to.include({severity: 'error'})
    expect(region.message).to.match(/runs in us \(United States\); the data map requires eu/)
    expect(report.findings.find((f: {rule: string}) => f.rule === 'shield').evidence).to.include('public.payments.card_number (financial)')
    expect(report.findings.find((f: {rule: string}) => f.rule === 'drains-tls').evidence).to.equal('http://logs.example.com')
    expect(result.stdout + result.stderr).to.not.include('secret-drain-pass')
    expect(result.stderr).to.match(/privacy:check found \d+ error/)
  })

  it('flags a collaborator without two-factor authentication', async () => {
    const report = JSON.parse((await check('-a', 'privacy-demo', '--format', 'json')).stdout)
    const access = report.findings.filter((f: {rule: string}) => f.rule === 'access')
    expect(access.map((f: {message: string}) => f.message)).to.include('contractor@example.net can reach privacy-demo without two-factor authentication')
  })

  it('passes an app in a Shield space in the EU, and --fail-on warning tightens the gate', async () => {
    const passing = await check('-a', 'privacy-shield', '--skip', 'map-drift', '--skip', 'backups')
    expect(passing.code, passing.stdout + passing.stderr).to.equal(0)
    expect(passing.stdout).to.match(/rule\(s\) passed/)
    const strict = await check('-a', 'privacy-shield', '--skip', 'map-drift', '--fail-on', 'warning')
    expect(strict.code).to.equal(3)
  })

  it('notes a plain-http drain to a loopback address as a local set-up, not a finding', async () => {
    const us = ctx.sim.findApp('privacy-us')
    const local = ['http://drain:pw@localhost:5000/drain', 'http://127.0.0.1:8080/drain', 'http://[::1]:8080/drain']
    for (const url of local) us.drains.push({id: crypto.randomUUID(), url, token: 'd.local', createdAt: new Date().toISOString()})
    try {
      const result = await check('-a', 'privacy-us', '--only', 'drains-tls', '--format', 'json')
      const report = JSON.parse(result.stdout)
      const evidence = report.findings.filter((f: {rule: string}) => f.rule === 'drains-tls').map((f: {evidence: string}) => f.evidence)
      expect(evidence).to.deep.equal(['http://logs.example.com'])
      expect(report.notes.join('\n')).to.match(/privacy-us: .*http:\/\/localhost:5000.*loopback.*local set-up/)
      expect(report.notes.join('\n')).to.include('http://127.0.0.1:8080').and.include('http://[::1]:8080')
      expect(result.stdout).to.not.include('drain:pw')
      const text = await check('-a', 'privacy-us', '--only', 'drains-tls')
      expect(text.stdout).to.match(/local set-up/)
    } finally {
      us.drains.splice(
        us.drains.findIndex(d => d.token === 'd.local'),
        local.length,
      )
    }
  })

  it('writes JUnit XML with the usual structure', async () => {
    const result = await check('-a', 'privacy-us', '-a', 'privacy-shield', '--format', 'junit')
    expect(result.code).to.equal(3)
    const xml = result.stdout
    expect(xml).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="privacy:check" tests="(\d+)" failures="(\d+)" errors="0">/)
    const suites = [
      ...xml.matchAll(/<testsuite name="privacy:check ([^"]+)" tests="(\d+)" failures="(\d+)" errors="0" skipped="(\d+)">([\s\S]*?)<\/testsuite>/g),
    ]
    expect(suites.map(s => s[1])).to.deep.equal(['privacy-us', 'privacy-shield'])
    for (const [, , tests, failures, skipped, body] of suites) {
      const cases = [...body!.matchAll(/<testcase classname="privacy\.[^"]+" name="[^"]+">([\s\S]*?)<\/testcase>/g)]
      expect(cases.length).to.equal(Number(tests))
      expect(cases.filter(c => c[1]!.includes('<failure ')).length).to.equal(Number(failures))
      expect(cases.filter(c => c[1]!.includes('<skipped ')).length).to.equal(Number(skipped))
    }
    const [, total, failed] = /tests="(\d+)" failures="(\d+)"/.exec(xml)!
    expect(Number(total)).to.equal(suites.reduce((n, s) => n + Number(s[2]), 0))
    expect(Number(failed)).to.equal(suites.reduce((n, s) => n + Number(s[3]), 0))
  })

  it('writes SARIF 2.1.0', async () => {
    const sarif = JSON.parse((await check('-a', 'privacy-us', '--format', 'sarif')).stdout)
    expect(sarif.version).to.equal('2.1.0')
    expect(sarif.runs[0].tool.driver.rules.map((r: {id: string}) => r.id)).to.include('shield')
    expect(sarif.runs[0].results.find((r: {ruleId: string}) => r.ruleId === 'region').level).to.equal('error')
  })

  it('checks a whole team, reporting an unreadable app and going on with the others', async () => {
    const result = await check('--team', 'acme', '-a', 'no-such-app', '--format', 'json', '--only', 'encryption-at-rest')
    const report = JSON.parse(result.stdout)
    expect(report.apps).to.include.members(['privacy-demo', 'privacy-shield', 'privacy-us', 'no-such-app'])
    expect(report.findings.find((f: {app: string}) => f.app === 'no-such-app').rule).to.equal('app-readable')
    expect(report.outcomes.filter((o: {app: string; status: string}) => o.app === 'privacy-demo' && o.status === 'passed')).to.have.length(1)
  })

  it('finds rows the map keeps that hold NOT NULL references into rows it deletes', async () => {
    const scanned = await check('-a', 'privacy-us', '--format', 'json', '--only', 'kept-references')
    expect(scanned.code, scanned.stderr).to.equal(0)
    expect(JSON.parse(scanned.stdout).findings).to.deep.equal([])
    const edited = `${dir}/orders-deleted.yml`
    const text = await readFile(map, 'utf8')
    await writeFile(edited, text.replace(/(public\.orders:\n(?: {4}.*\n)*? {4}erase: )anonymize/, '$1delete'))
    const result = await runCli(['privacy:check', '--map', edited, '-a', 'privacy-us', '--format', 'json', '--only', 'kept-references'], ctx.env)
    expect(result.code, result.stderr).to.equal(3)
    const [found, ...rest] = JSON.parse(result.stdout).findings
    expect(rest).to.deep.equal([])
    expect(found).to.include({rule: 'kept-references', severity: 'error'})
    expect(found.evidence).to.include('public.payments (order_id) → public.orders').and.include('public.order_items (order_id) → public.orders')
    expect(found.fix).to.include('tables.public.orders.erase: anonymize, or tables.public.payments.erase: delete')
  })

  it('runs the platform rules without a map, and says which it skipped', async () => {
    const result = await runCli(['privacy:check', '-a', 'privacy-us', '--map', `${dir}/missing.yml`], ctx.env)
    expect(result.stdout).to.match(/skipped: .*region \(no data map\)/)
    expect(result.stdout).to.match(
      /No data map: the region, shield, map-drift, unindexed-references, kept-references, purposes and map-reviewed rules were skipped/,
    )
  })

  it('reports overdue requests from the ledger', async () => {
    await runCli(['privacy:requests:open', '-a', 'privacy-us', '--kind', 'access', '--subject', 'id=1', '--received', '2026-01-05'], ctx.env)
    const report = JSON.parse((await check('-a', 'privacy-us', '--format', 'json', '--only', 'requests-due')).stdout)
    expect(report.findings[0]).to.include({rule: 'requests-due', severity: 'error'})
    expect(report.findings[0].message).to.match(/is overdue/)
  })

  it('inventories every store with what the tool covers', async () => {
    const result = await runCli(['privacy:inventory', '-a', 'privacy-demo', '--json'], ctx.env)
    expect(result.code, result.stderr).to.equal(0)
    const {stores} = JSON.parse(result.stdout)
    const kinds = stores.map((s: {kind: string}) => s.kind)
    expect(kinds).to.include.members(['postgres', 'key-value', 'log-drain', 'logplex'])
    const primary = stores.find((s: {store: string}) => s.store === 'postgresql-demo-41235')
    expect(primary.covered).to.include('erase')
    expect(primary.details.join(' ')).to.match(/followers: HEROKU_POSTGRESQL_/)
    expect(stores.find((s: {kind: string}) => s.kind === 'key-value').manual[0]).to.match(/eviction policy/)
  })
})
