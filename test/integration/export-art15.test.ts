import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {generateIdentity, identityToRecipient} from 'age-encryption'
import {expect} from 'chai'
import {parseDocument} from 'yaml'

import {ALICE} from '../support/fixture/generate.js'
import {readZip} from '../support/archive.js'
import {Browser, TEST_OUTPUT, launchChromium} from '../support/browser.js'
import {runCli, useDatabase} from '../support/context.js'
import {withReviewedFacts} from '../support/processing-facts.js'

const LOCALES = ['en', 'de', 'fr'] as const
const EXTRA_EVENTS = 1234

/** Fixed text per locale the page must show: headings of the Art. 15 items, and the translated column and map labels. */
const EXPECTED = {
  en: {
    headings: [
      'Who holds your data',
      'Why we use it',
      'What kinds of data',
      'Who receives it',
      'How long we keep it',
      'Where it came from',
      'Automated decisions',
      'Your rights',
      'Your data',
      'What this archive does not cover',
      'Other people in your data',
    ],
    service: 'Run your account and deliver your orders',
    name: 'Your name',
    sfid: 'Salesforce record id',
    retention: 'Deleted 2 years after Closed at',
    count: /1,2\d\d records/,
    date: /(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}/,
    complaint: 'Complaint: complain to a data protection supervisory authority (Art. 77).',
  },
  de: {
    headings: [
      'Wer Ihre Daten verarbeitet',
      'Wofür wir sie verwenden',
      'Welche Arten von Daten',
      'Wer sie erhält',
      'Wie lange wir sie speichern',
      'Woher sie stammen',
      'Automatisierte Entscheidungen',
      'Ihre Rechte',
      'Ihre Daten',
      'Was dieses Archiv nicht umfasst',
      'Andere Personen in Ihren Daten',
    ],
    service: 'Ihr Konto führen und Ihre Bestellungen liefern',
    name: 'Ihr Name',
    sfid: 'Salesforce-Datensatz-ID',
    retention: 'Gelöscht 2 Jahre nach Closed at',
    count: /1\.2\d\d Einträge/,
    date: /\d{1,2}\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember) \d{4}/,
    complaint: 'Beschwerde: sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77).',
  },
  fr: {
    headings: [
      'Qui détient vos données',
      'Pourquoi nous les utilisons',
      'Quelles catégories de données',
      'Qui les reçoit',
      'Combien de temps nous les conservons',
      'D’où elles proviennent',
      'Décisions automatisées',
      'Vos droits',
      'Vos données',
      'Ce que cette archive ne couvre pas',
      'D’autres personnes dans vos données',
    ],
    service: 'Gérer votre compte et livrer vos commandes',
    name: 'Votre nom',
    sfid: 'Identifiant de la fiche Salesforce',
    retention: 'Supprimées 2 ans après Closed at',
    count: /1\u202f2\d\d enregistrements/,
    date: /\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}/,
    complaint: 'Réclamation : saisir une autorité de contrôle de la protection des données (art. 77).',
  },
}

const unescape = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

describe('privacy:export tells the person what Art. 15 says they are owed', () => {
  const db = useDatabase({users: 40})
  let dir: string
  let map: string
  const archives = new Map<string, Map<string, Buffer>>()

  before(async function () {
    this.timeout(120_000)
    dir = await mkdtemp(join(tmpdir(), 'privacy-art15-'))
    map = join(dir, 'privacy.yml')
    const scan = await runCli(['privacy:scan', '--database-url', db.url, '--out', map])
    expect(scan.code, scan.stderr).to.equal(0)
    const reviewed = parseDocument(withReviewedFacts(await readFile(map, 'utf8')))
    reviewed.setIn(['tables', 'public.support_tickets', 'retention'], reviewed.createNode({column: 'closed_at', after: '2 years', action: 'delete'}))
    await writeFile(map, reviewed.toString())
    await db.pool.query(
      `INSERT INTO audit_events (user_id, action, occurred_at) SELECT $1, 'login', now() - k * interval '1 minute' FROM generate_series(1, ${EXTRA_EVENTS}) k`,
      [ALICE.id],
    )
    for (const locale of LOCALES) {
      const out = join(dir, `alice-${locale}.zip`)
      const result = await runCli([
        'privacy:export',
        '--database-url',
        db.url,
        '--map',
        map,
        '--subject',
        `email=${ALICE.email}`,
        '--out',
        out,
        '--locale',
        locale,
        '--allow-plaintext',
      ])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr, 'a reviewed map leaves nothing to warn about').to.not.match(/Warning/)
      archives.set(locale, await readZip(out))
    }
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const page = (locale: string) => archives.get(locale)!.get('index.html')!.toString()

  it('puts every Art. 15(1)(a)-(h) fact from the map into manifest.json', () => {
    const manifest = JSON.parse(archives.get('en')!.get('manifest.json')!.toString())
    const facts = manifest.art15
    expect(manifest.locale).to.equal('en')
    expect(facts.controller).to.deep.include({name: 'Example Shop GmbH', contact: 'privacy@shop.example', dpo: 'dpo@shop.example'})
    expect(facts.controller.authority.name).to.match(/Berliner Beauftragte/)
    expect(Object.fromEntries(facts.purposes.map((p: {id: string; legalBasis: string}) => [p.id, p.legalBasis]))).to.deep.equal({
      service: 'contract',
      accounting: 'legal_obligation',
      security: 'legitimate_interests',
      analytics: 'consent',
      customer_relations: 'legitimate_interests',
    })
    expect(facts.categories.map((c: {category: string}) => c.category)).to.include.members(['contact', 'identity', 'financial', 'online_id', 'behavioral'])
    const recipients = Object.fromEntries(facts.recipients.map((r: {id: string; tables: unknown}) => [r.id, r.tables]))
    expect(recipients).to.deep.equal({heroku: 'all', payments: ['public.orders', 'public.payments'], salesforce: ['salesforce.contact']})
    expect(facts.retention.find((r: {table: string}) => r.table === 'public.support_tickets').policy).to.deep.equal({
      column: 'closed_at',
      after: '2 years',
      action: 'delete',
    })
    expect(facts.retention.find((r: {table: string; columns: string[] | null}) => r.table === 'public.users' && r.columns)).to.deep.include({
      columns: ['signup_ip'],
      stated: '90 days after sign-up',
    })
    expect(facts.sources.map((s: {source: unknown}) => s.source)).to.include.members(['person', 'observed', 'salesforce'])
    expect(facts.automatedDecisions).to.have.length(1)
    expect(facts.automatedDecisions[0].tables).to.deep.equal(['public.audit_events'])
    expect(facts.rights).to.deep.equal(['access', 'rectification', 'erasure', 'restriction', 'objection', 'portability', 'withdraw_consent', 'complaint'])
    expect(facts.unstated).to.deep.equal([])
    expect(facts.unreviewed).to.deep.equal([])
  })

  for (const locale of LOCALES) {
    it(`renders every item in ${locale}, with the locale's dates and numbers`, () => {
      const html = unescape(page(locale))
      const expected = EXPECTED[locale]
      expect(html).to.include(`<html lang="${locale}">`)
      for (const heading of expected.headings) expect(html, heading).to.match(new RegExp(`<h2 id="[a-z-]+-h">${heading}</h2>`))
      for (const fact of [
        'Example Shop GmbH',
        'dpo@shop.example',
        'Berliner Beauftragte für Datenschutz und Informationsfreiheit',
        'Example Payments Ltd',
        'EU-US Data Privacy Framework',
        'Sign-ins from unusual places are blocked',
        'Detecting break-ins and abuse',
        '10 years after the payment, for tax law',
      ]) {
        expect(html, fact).to.include(fact)
      }
      expect(html).to.include(expected.service)
      expect(html).to.include(`<th scope="col">${expected.name}</th>`)
      expect(html).to.include(`<th scope="col">${expected.sfid}</th>`)
      expect(html).to.include(expected.retention)
      expect(html).to.include(expected.complaint)
      expect(html).to.match(expected.count)
      expect(html).to.match(expected.date)
      expect(html).to.include(ALICE.fullName)
      expect(html).to.match(/<time datetime="[^"]+">[^<]+<\/time>/)
    })
  }

  it('needs nothing from the network and no script to be read', () => {
    const html = page('en')
    expect(html).to.not.match(/<script|<link|<img|<iframe|@import|url\(/i)
    expect(html).to.not.match(/\ssrc=/i)
    expect(
      [...html.matchAll(/href="([^"]+)"/g)].map(m => m[1]).every(href => href!.startsWith('#') || href!.startsWith('mailto:') || /^https:\/\//.test(href!)),
    ).to.equal(true)
  })

  it('withholds credentials, and says so and why, in the page and the manifest', () => {
    const entries = archives.get('de')!
    const users = JSON.parse(entries.get('data/public.users.json')!.toString())
    expect(users[0]).to.not.have.property('password_digest')
    const manifest = JSON.parse(entries.get('manifest.json')!.toString())
    expect(manifest.withheld.find((w: {column: string}) => w.column === 'password_digest')).to.deep.include({table: 'public.users', code: 'credentials'})
    expect(unescape(page('de'))).to.match(/Password digest — ein Passwort-Hash, Token oder Geheimnis/)
    expect(unescape(page('fr'))).to.include('person-1a2b3c4d5e6f')
  })

  it('refuses a plain zip holding card data (exit 4, also with --json), and writes an encrypted one', async () => {
    const out = join(dir, 'refused.zip')
    const refused = await runCli(['privacy:export', '--database-url', db.url, '--map', map, '--subject', `email=${ALICE.email}`, '--out', out])
    expect(refused.code).to.equal(4)
    expect(refused.stderr).to.match(/would hold sensitive data unencrypted: public\.payments\.card_number \(financial\).*--encrypt-to/)
    const json = await runCli(['privacy:export', '--database-url', db.url, '--map', map, '--subject', `email=${ALICE.email}`, '--out', out, '--json'])
    expect(json.code).to.equal(4)
    expect(JSON.parse(json.stdout).error.code).to.equal('plaintext_refused')
    expect(existsSync(out)).to.equal(false)
    expect(existsSync(`${out}.partial`)).to.equal(false)
    const encrypted = await runCli([
      'privacy:export',
      '--database-url',
      db.url,
      '--map',
      map,
      '--subject',
      `email=${ALICE.email}`,
      '--out',
      `${out}.age`,
      '--encrypt-to',
      await identityToRecipient(await generateIdentity()),
    ])
    expect(encrypted.code, encrypted.stderr).to.equal(0)
  })

  describe('in a real browser (headless Chromium)', () => {
    let browser: Browser
    const output = join(TEST_OUTPUT, 'export-page')

    before(async function () {
      this.timeout(60_000)
      await mkdir(output, {recursive: true})
      for (const locale of LOCALES) {
        await mkdir(join(output, locale), {recursive: true})
        await writeFile(join(output, locale, 'index.html'), page(locale))
      }
      browser = await launchChromium()
    })

    after(async () => {
      await browser?.close()
    })

    for (const locale of LOCALES) {
      it(`shows every section in ${locale} without errors, and a phone need not scroll sideways`, async function () {
        this.timeout(60_000)
        const tab = await browser.context.newPage()
        const problems: string[] = []
        tab.on('console', message => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`)
        })
        tab.on('pageerror', error => problems.push(`page error: ${error.message}`))
        tab.on('requestfailed', request => problems.push(`request failed: ${request.url()}`))
        await tab.setViewportSize({width: 1280, height: 900})
        await tab.goto(`file://${join(output, locale, 'index.html')}`, {waitUntil: 'load'})
        expect(await tab.evaluate(() => document.documentElement.lang)).to.equal(locale)
        const headings = await tab.locator('main section > h2').allTextContents()
        expect(headings).to.deep.equal(EXPECTED[locale].headings)
        for (const id of [
          'controller',
          'purposes',
          'categories',
          'recipients',
          'retention',
          'source',
          'decisions',
          'rights',
          'data',
          'not-covered',
          'pseudonyms',
        ]) {
          expect(await tab.locator(`section#${id}`).isVisible(), id).to.equal(true)
        }
        expect(await tab.locator('table:not(:has(th))').count(), 'every table has header cells').to.equal(0)
        await tab.screenshot({path: join(output, `${locale}.png`), fullPage: true})

        await tab.setViewportSize({width: 375, height: 740})
        const widths = await tab.evaluate(() => ({page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth}))
        expect(widths.page, `page ${widths.page}px wide on a ${widths.viewport}px screen`).to.be.at.most(widths.viewport)
        await tab.screenshot({path: join(output, `${locale}-mobile.png`)})
        await tab.close()
        expect(problems).to.deep.equal([])
        expect(existsSync(join(output, `${locale}.png`))).to.equal(true)
      })
    }
  })
})
