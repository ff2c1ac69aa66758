import {existsSync} from 'node:fs'

import {Flags, Interfaces} from '@oclif/core'

import {RequestAcrossApps, openRequestAcrossApps} from '../../cli/apps.js'
import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags, mapFlag} from '../../cli/flags.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {logStoreFlags} from '../../cli/log-store.js'
import {kindChoice, kindFlags, readSubjects, subjectFlags} from '../../cli/subjects.js'
import type {SubjectLookup} from '../../lib/subject/parse.js'
import {TOOL} from '../../cli/version.js'
import type {Locale} from '../../lib/datamap/processing-schema.js'
import {Database, DatabaseTarget} from '../../lib/db/connection.js'
import {ExitCode, PrivacyError, usageError} from '../../lib/errors.js'
import {DataclipQuery, buildDataclips} from '../../lib/export/dataclip.js'
import {ExportAcrossApps, exportAcrossApps} from '../../lib/export/across-apps.js'
import {ExportSummary, exportSubjects} from '../../lib/export/export-subjects.js'
import {resolveFollower} from '../../lib/heroku/followers.js'
import {recordExport} from '../../lib/export/record.js'
import {currentHead} from '../../lib/ledger/head.js'
import {fingerprint, ledgerKey} from '../../lib/ledger/fingerprint.js'
import {assertRequestSubject} from '../../lib/ledger/request-apps.js'
import {getRequest} from '../../lib/ledger/requests.js'
import {UnlinkedCheck, describeUnlinked, findUnlinked} from '../../lib/locate/unlinked.js'
import {formatBytes} from '../../lib/ui/key-values.js'

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

  async run(): Promise<(ExportSummary & {ledgerHead: string; unlinked: UnlinkedCheck | null}) | {queries: DataclipQuery[]} | ExportAcrossApps> {
    const {flags} = await this.parse(Export)
    const subjects = await readSubjects(flags)
    const across = await openRequestAcrossApps(flags, this.opener)
    if (across) return this.exportAcrossApps(flags, subjects, across)
    const main = await this.resolveTarget(flags)
    if (flags.format === 'dataclip') return this.printDataclips(main.target, flags.map, subjects)
    if (flags['from-follower'] && !main.heroku) {
      throw usageError('--from-follower needs --app: followers are found through Heroku.')
    }
    if (!flags['from-follower']) this.warmConnection(main.target)
    const ledger = await this.openLedger(flags, main)
    let source: Database | undefined
    let logs: Database | undefined
    try {
      logs = await this.openLogStore(flags, main)
      if (flags.request) await getRequest(ledger.ctx, flags.request)
      const sourceTarget = flags['from-follower'] && main.heroku ? await resolveFollower(main.heroku.api, main.heroku.database) : main.target
      source = await this.connect(sourceTarget)
      const key = await ledgerKey(ledger.ctx.pool, ledger.ctx.scope)
      const out = flags.out ?? `${main.heroku?.database.app.name ?? 'export'}-${flags.request ?? new Date().toISOString().slice(0, 10)}.zip`
      const pool = source.pool
      const written = async () => {
        const unlinked =
          flags['locate-seconds'] > 0
            ? await findUnlinked({
                pool,
                mapFile: flags.map,
                subjects,
                kinds: kindChoice(flags),
                budgetMs: flags['locate-seconds'] * 1000,
                progress: this.progress,
              })
            : null
        return {
          unlinked,
          summary: await exportSubjects({
            pool,
            mapFile: flags.map,
            subjects,
            kinds: kindChoice(flags),
            out,
            force: flags.force,
            format: flags.format as 'json' | 'csv',
            app: main.heroku?.database.app.name ?? null,
            database: sourceTarget.label,
            request: flags.request ?? null,
            fingerprint: (column, value) => fingerprint(key, column, value),
            pseudonymKey: key,
            encryptTo: flags['encrypt-to'],
            allowPlaintext: flags['allow-plaintext'],
            locale: flags.locale as Locale,
            tool: TOOL,
            ledgerHead: await currentHead(ledger.ctx.pool),
            notCovered: unlinked ? describeUnlinked(unlinked) : [],
            logs: logs?.pool,
            allowIncomplete: flags['allow-incomplete'],
            progress: this.progress,
          }),
        }
      }
      const {unlinked, summary} = await written().catch(error => {
        throw unfinished(error, out)
      })
      const ledgerHead = await recordExport(ledger.ctx, {
        requestId: flags.request ?? null,
        subjects: subjects.map(s => ({column: s.column, fingerprint: fingerprint(key, s.column, s.value)})),
        database: sourceTarget.label,
        summary,
      })
      this.log(
        `Wrote ${summary.path}: ${summary.rows} rows from ${summary.tables} tables, ${formatBytes(summary.bytes)}, sha256 ${summary.sha256.slice(0, 16)}…${summary.encrypted ? ' (encrypted)' : ''}`,
      )
      const unreviewed = summary.art15.unreviewed
      if (unreviewed.length > 0)
        this.warn(
          `index.html repeats ${unreviewed.length} guess(es) of privacy:scan still marked review: true in ${flags.map} (${unreviewed.slice(0, 3).join(', ')}${unreviewed.length > 3 ? ', …' : ''}); review them (privacy:check lists them) before sending the archive.`,
        )
      if (summary.art15.unstated.length > 0)
        this.warn(`${flags.map} does not state ${summary.art15.unstated.join(', ')} for every exported table; index.html says "not stated" there.`)
      this.log(`Snapshot taken at ${summary.snapshotAt}. The person can open index.html inside it; check it with \`heroku privacy:verify ${summary.path}\`.`)
      for (const line of unlinked ? describeUnlinked(unlinked) : []) this.warn(line)
      this.logLedgerHead(ledgerHead)
      return {...summary, ledgerHead, peakRssBytes: process.resourceUsage().maxRSS * 1024, unlinked} as ExportSummary & {
        ledgerHead: string
        unlinked: UnlinkedCheck | null
      }
    } finally {
      await logs?.close()
      await source?.close()
      await ledger.close()
    }
  }

  private async exportAcrossApps(
    flags: Interfaces.InferredFlags<typeof Export.flags>,
    subjects: SubjectLookup[],
    {ledger, request}: RequestAcrossApps,
  ): Promise<ExportAcrossApps> {
    try {
      await assertRequestSubject(ledger.ctx, request, subjects)
      const out = flags.out ?? `${request.id}.zip`
      const summary = await exportAcrossApps({
        request,
        requestLedger: ledger.ctx,
        openApp: async scope => {
          const main = await this.resolveTarget({app: scope.app})
          const app = await this.openLedger({app: scope.app, 'ledger-url': flags['ledger-url'], actor: flags.actor}, main)
          const source = await this.connect(main.target).catch(async error => {
            await app.close()
            throw error
          })
          return {
            pool: source.pool,
            database: main.target.label,
            ledger: app.ctx,
            holdsRequest: flags['ledger-url'] !== undefined || scope.app === ledger.ctx.scope,
            close: async () => {
              await source.close()
              await app.close()
            },
          }
        },
        subjects,
        kinds: kindChoice(flags),
        out,
        force: flags.force,
        format: flags.format as 'json' | 'csv',
        encryptTo: flags['encrypt-to'],
        allowPlaintext: flags['allow-plaintext'],
        locale: flags.locale as Locale,
        tool: TOOL,
        allowIncomplete: flags['allow-incomplete'],
        progress: this.progress,
      }).catch(error => {
        throw unfinished(error, out)
      })
      for (const app of summary.apps)
        this.log(`${app.app}/: ${app.rows} rows from ${app.tables} tables of ${app.database}, snapshot taken at ${app.snapshotAt}`)
      for (const app of summary.apps.filter(a => a.unreviewed.length > 0 || a.unstated.length > 0))
        this.warn(
          `${app.app}'s map leaves facts unstated or unreviewed (${[...app.unstated, ...app.unreviewed].slice(0, 3).join(', ')}); its index.html says so. Review them (privacy:check) before sending the archive.`,
        )
      this.log(
        `Wrote ${summary.path}: ${summary.rows} rows from ${summary.tables} files across ${summary.apps.length} apps, ${formatBytes(summary.bytes)}, sha256 ${summary.sha256.slice(0, 16)}…${summary.encrypted ? ' (encrypted)' : ''}. Check it with \`heroku privacy:verify ${summary.path}\`.`,
      )
      this.logLedgerHead(summary.ledgerHead)
      return summary
    } finally {
      await ledger.close()
    }
  }

  private async printDataclips(
    target: DatabaseTarget,
    mapFile: string,
    subjects: Awaited<ReturnType<typeof readSubjects>>,
  ): Promise<{queries: DataclipQuery[]}> {
    const db = await this.connect(target)
    try {
      const queries = await buildDataclips({pool: db.pool, mapFile, subjects})
      this.log('-- Paste each query into a new dataclip at https://data.heroku.com/dataclips (Heroku has no API to create them).')
      for (const query of queries) {
        this.log(`\n-- ${query.table}${query.omitted.length > 0 ? ` (left out: ${query.omitted.join(', ')})` : ''}\n${query.sql}`)
      }
      return {queries}
    } finally {
      await db.close()
    }
  }
}

/** An export that failed part-way says that no archive was written, and what is left on disk. */
function unfinished(error: unknown, out: string): unknown {
  // A refusal or a usage error is the answer itself; any other failure interrupted the export.
  if (!(error instanceof Error) || (error instanceof PrivacyError && error.exitCode !== ExitCode.error)) return error
  const left = existsSync(`${out}.partial`) ? `only the incomplete ${out}.partial is left` : `${out}.partial was removed`
  const message = `The export did not finish, so no archive was written to ${out} (${left}): ${error.message}`
  return error instanceof PrivacyError ? Object.assign(error, {message}) : new PrivacyError(message, {code: 'export_unfinished', cause: error})
}
