import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {runCli, useDatabase} from '../support/context.js'

describe('--subject with column names real apps have', () => {
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-subject-'))
    await db.pool.query(
      `CREATE TABLE "Kunden" ("Id" int PRIMARY KEY, "E-Mail" text UNIQUE, "kundenNummer" text UNIQUE, "a=b" text UNIQUE, "adresse_électronique" text UNIQUE)`,
    )
    await db.pool.query(
      `INSERT INTO "Kunden" VALUES (1, 'anna@example.com', 'K-1', 'x=1', 'anna@example.org'), (2, 'ben@example.com', 'K-2', 'x=2', 'ben@example.org')`,
    )
    await writeFile(
      join(dir, 'privacy.yml'),
      `version: 1
subject: { table: public.Kunden, key: Id, lookup: [Id, E-Mail, kundenNummer, "a=b", adresse_électronique] }
tables:
  public.Kunden:
    erase: delete
    columns:
      Id: { category: none }
      E-Mail: { category: contact }
      kundenNummer: { category: online_id }
      a=b: { category: online_id }
      adresse_électronique: { category: contact }
`,
    )
    await writeFile(join(dir, 'people.txt'), '# one per line\nE-Mail=anna@example.com\n"a=b"=x=2\n')
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  const dryRun = (...args: string[]) => runCli(['privacy:erase', '--database-url', db.url, '--map', join(dir, 'privacy.yml'), '--dry-run', '--json', ...args])

  for (const subject of [
    'E-Mail=anna@example.com',
    '"E-Mail"=anna@example.com',
    'kundenNummer=K-1',
    '"a=b"=x=1',
    'adresse_électronique=anna@example.org',
    'Id=1',
  ]) {
    it(`finds the person with --subject ${subject.replace(/anna@example\.(com|org)/, '…')}`, async () => {
      const result = await dryRun('--subject', subject)
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).touched).to.deep.equal({'public.Kunden': 1})
    })
  }

  it('reads the same forms from --subjects-file', async () => {
    const result = await dryRun('--subjects-file', join(dir, 'people.txt'))
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout).touched).to.deep.equal({'public.Kunden': 2})
  })
})
