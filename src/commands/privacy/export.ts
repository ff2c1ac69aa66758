import {Flags, Interfaces} from '@oclif/core'

import {RequestAcrossApps, openAppForReading, openRequestAcrossApps} from '../../cli/apps.js'
import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags, mapFlag} from '../../cli/flags.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {logStoreFlags} from '../../cli/log-store.js'
import {renderDataclips, renderExport, renderExportAcrossApps} from '../../cli/render/export.js'
import {kindChoice, kindFlags, readSubjects, subjectFlags} from '../../cli/subjects.js'
import {TOOL} from '../../cli/version.js'
import type {Locale} from '../../lib/datamap/processing-schema.js'
import {usageError} from '../../lib/errors.js'
import {ExportAcrossApps, ExportOptions, exportAcrossApps} from '../../lib/export/across-apps.js'
import {DataclipQuery, buildDataclips} from '../../lib/export/dataclip.js'
import {ExportResult, exportPeople} from '../../lib/export/export-people.js'
import {resolveFollower} from '../../lib/heroku/followers.js'
import {assertRequestSubject} from '../../lib/ledger/request-apps.js'
import type {SubjectLookup} from '../../lib/subject/parse.js'

export default class Export extends PrivacyCommand {
  static description = `export everything the data map ties to a person, as one verifiable archive

Finds the person's root row by a lookup column, follows the map's via edges outward (any depth, cycle-safe, one set-based query per table), and writes a zip: data/<schema>.<table>.json (or .csv), a readable index.html for the person, and manifest.json with every file's sha256 and row count. All reads happen in one REPEATABLE READ READ ONLY transaction, so the files show one moment; tables stream through a cursor, so memory stays flat however many rows a person has. Credentials (password hashes, tokens, secrets) are withheld and other people's identifiers replaced by stable pseudonyms; the page and the manifest say which, and why.

index.html tells the person what Art. 15(1) GDPR says they are owed, from the data map: who holds the data (controller, contact, DPO), the purposes and their legal bases, the categories, the recipients and where they are, how long each table is kept, where data not collected from the person came from, automated decisions, their rights and the supervisory authority; then their data grouped by purpose with readable column names; then what the archive does not cover. --locale writes it in English, German or French, with dates and numbers in that locale's format. The page needs no scripts and nothing from the network, and prints cleanly. manifest.json holds the same facts under art15.

An archive holding card or bank data, government ids, health or biometric data is refused (exit 4) as a plain zip: encrypt it to the person's age key with --encrypt-to, or pass --allow-plaintext when it reaches them another safe way.

--include-logs adds logs/lines.json: the lines privacy:logs:serve stored (over its retention window) that mention the person's lookup value or a distinctive identity, contact, online-id, government-id or financial value of their rows, matched as whole tokens (also percent-encoded); values as weak as a first name alone are not used.

Before writing, the export looks for the person in every other table and column too (as privacy:locate does, within --locate-seconds, 10 by default; 0 skips it): where they appear in rows the map does not tie to them — an audit log outside the map, someone else's free text — it warns on stderr, lists those columns and counts (never values) under "unlinked" in --json and under notCovered in the manifest, since the archive does not hold them.

--format dataclip prints one SQL query per table instead, to paste into Heroku Dataclips: Heroku offers no API to create dataclips, so the tool cannot make them for you (and dataclips cannot reach Shield databases).

A request across apps (opened with several -a, or --team): pass -a FIRST-APP --request R-… with the person's --subject as it was opened. The archive holds a folder per app with what a single-app export of that app holds (its data, index.html and manifest.json, each from its own snapshot), a top-level manifest.json listing every app, database and file, and an index.html leading to each app's page; privacy:verify checks it whole. Each app's export is recorded in its own ledger and on the request.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --subject email=alice@example.com --request R-2026-0007',
    '<%= config.bin %> <%= command.id %> -a example-app --subject id=42 --format csv --out alice.zip',
    '<%= config.bin %> <%= command.id %> -a example-app --subjects-file people.txt --from-follower --encrypt-to age1…',
    '<%= config.bin %> <%= command.id %> -a example-app --subject email=alice@example.com --format dataclip',
    '<%= config.bin %> <%= command.id %> -a example-app --request R-2026-0012 --subject email=alice@example.com --encrypt-to age1…',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    ...subjectFlags,
    ...kindFlags,
    map: mapFlag,
    out: Flags.string({description: 'archive to write (default <app>-<request or date>.zip)', helpValue: 'FILE'}),
    format: Flags.string({
      description: 'file format inside the archive, or dataclip for SQL to paste into Heroku Dataclips',
      options: ['json', 'csv', 'dataclip'],
      default: 'json',
    }),
    'encrypt-to': Flags.string({description: 'encrypt the archive to this age recipient (a public key, age1…)', helpValue: 'age1…'}),
    'allow-plaintext': Flags.boolean({
      description: 'write sensitive categories (financial, government id, health, biometric) into an unencrypted zip all the same',
    }),
    locale: Flags.string({description: 'language of index.html', options: ['en', 'de', 'fr'], default: 'en'}),
    request: Flags.string({description: 'the request this export answers (recorded in the ledger and the manifest)', helpValue: 'R-YYYY-NNNN'}),
    'from-follower': Flags.boolean({description: 'read from a follower of the database instead of the leader'}),
    force: Flags.boolean({description: 'replace --out if it exists'}),
    'allow-incomplete': Flags.boolean({
      description:
        'write the archive even when row-level security hides rows from this role, listing those tables as not covered (by default the export stops with exit 3)',
    }),
    'locate-seconds': Flags.integer({
      description: 'seconds to spend looking for the person in tables and columns the map does not link to them (0 skips it)',
      default: 10,
      min: 0,
    }),
    ...logStoreFlags,
  }

  async run(): Promise<(ExportResult & {peakRssBytes: number}) | {queries: DataclipQuery[]} | ExportAcrossApps> {
    const {flags} = await this.parse(Export)
    const subjects = await readSubjects(flags)
    const across = await openRequestAcrossApps(flags, this.opener)
    if (across) return this.exportAcrossApps(flags, subjects, across)
    const main = await this.resolveTarget(flags)
    if (flags.format === 'dataclip') {
      const queries = await buildDataclips({pool: (await this.connect(main.target)).pool, mapFile: flags.map, subjects})
      renderDataclips(this, queries)
      return {queries}
    }
    if (flags['from-follower'] && !main.heroku) throw usageError('--from-follower needs --app: followers are found through Heroku.')
    const ledger = await this.openLedger(flags, main)
    try {
      const logs = await this.openLogStore(flags, main)
      const sourceTarget = flags['from-follower'] && main.heroku ? await resolveFollower(main.heroku.api, main.heroku.database) : main.target
      const source = await this.connect(sourceTarget)
      const result = await exportPeople({
        ...this.archiveOptions(flags),
        pool: source.pool,
        mapFile: flags.map,
        subjects,
        out: flags.out ?? `${main.heroku?.database.app.name ?? 'export'}-${flags.request ?? new Date().toISOString().slice(0, 10)}.zip`,
        app: main.heroku?.database.app.name ?? null,
        database: sourceTarget.label,
        ledger: ledger.ctx,
        requestId: flags.request ?? null,
        locateBudgetMs: flags['locate-seconds'] * 1000,
        logs: logs?.pool,
      })
      renderExport(this, result, flags.map)
      this.logLedgerHead(result.ledgerHead)
      return {...result, peakRssBytes: process.resourceUsage().maxRSS * 1024}
    } finally {
      await ledger.close()
    }
  }

  /** What a single-app and an across-apps export take alike from the flags. */
  private archiveOptions(
    flags: Interfaces.InferredFlags<typeof Export.flags>,
  ): Omit<ExportOptions, 'subjects'> & {force: boolean; encryptTo?: string; allowPlaintext: boolean} {
    return {
      kinds: kindChoice(flags),
      force: flags.force,
      format: flags.format as 'json' | 'csv',
      encryptTo: flags['encrypt-to'],
      allowPlaintext: flags['allow-plaintext'],
      locale: flags.locale as Locale,
      tool: TOOL,
      allowIncomplete: flags['allow-incomplete'],
      progress: this.progress,
    }
  }

  private async exportAcrossApps(
    flags: Interfaces.InferredFlags<typeof Export.flags>,
    subjects: SubjectLookup[],
    {ledger, request}: RequestAcrossApps,
  ): Promise<ExportAcrossApps> {
    try {
      await assertRequestSubject(ledger.ctx, request, subjects)
      const summary = await exportAcrossApps({
        ...this.archiveOptions(flags),
        request,
        requestLedger: ledger.ctx,
        openApp: scope => openAppForReading(this.opener, scope.app, flags, ledger),
        subjects,
        out: flags.out ?? `${request.id}.zip`,
      })
      renderExportAcrossApps(this, summary)
      this.logLedgerHead(summary.ledgerHead)
      return summary
    } finally {
      await ledger.close()
    }
  }
}
