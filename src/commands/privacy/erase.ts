import {Flags, Interfaces} from '@oclif/core'

import {RequestAcrossApps, openRequestAcrossApps} from '../../cli/apps.js'
import {PrivacyCommand} from '../../cli/base-command.js'
import {confirmFlags, confirmationName, requireConfirmation} from '../../cli/confirm.js'
import {databaseFlags, mapFlag} from '../../cli/flags.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {logStoreFlags} from '../../cli/log-store.js'
import {renderErasure, renderErasureAcrossApps} from '../../cli/render/erase.js'
import {kindChoice, kindFlags, readSubjects, subjectFlags} from '../../cli/subjects.js'
import {ErasureAcrossApps, EraseOptions, eraseAcrossApps} from '../../lib/erase/across-apps.js'
import {ErasureResult, erasePeople} from '../../lib/erase/erase-people.js'
import {checkErasePrivileges} from '../../lib/erase/preflight.js'
import {assertRequestSubject} from '../../lib/ledger/request-apps.js'
import {getRequest} from '../../lib/ledger/requests.js'
import type {SubjectLookup} from '../../lib/subject/parse.js'

export default class Erase extends PrivacyCommand {
  static description = `erase everything the data map ties to a person (GDPR Art. 17)

Plans first: per table, delete the rows or anonymise them with the map's column strategies (null, redact, hash, fake, keep); references into deleted rows are cleared where they are the person's own or point at the person, tables are deleted children before parents, cycles are broken by nulling a nullable edge or deferring a deferrable constraint — never by disabling triggers. Anything that would change another person's data is refused before a single write. Then runs the whole plan in one transaction (one statement per step, for one person or ten thousand), and records in the ledger the primary keys touched and the people's fingerprints, never the erased values.

Rows under a legal hold are refused (exit 4) unless --except-held erases the rest. Heroku Connect tables are skipped unless --include-connect: Connect writes changes back to Salesforce. --include-logs also replaces every mention of the person (their lookup value and the distinctive identity, contact and online-id values of their rows) in the lines privacy:logs:serve stored with [erased], committed right after the erasure. The command ends with the copies it cannot erase itself: backups, forks, log drains, Logplex; and with the recipients the data map names for the erased tables, who must be told (Art. 19).

--locate reads the person's distinctive identifiers (emails, phones, names, IPs, government and card numbers, external ids) before erasing and, after the commit, searches every text, JSON, array and inet column of every table for them, as privacy:locate does: what is still found — an audit log outside the map, someone else's free text, a column the map keeps — is listed by table and column with counts (never values), and under "residues" in --json. It reports; the erasure stays committed.

A foreign key into deleted rows with no index on its columns makes Postgres scan the referencing table once per deleted row; the plan names each such key with the CREATE INDEX that fixes it (a "Slow:" line, and "unindexed" in --json) — create those before erasing many people at once.

A request across apps (opened with several -a, or --team): pass -a FIRST-APP --request R-… with the person's --subject as it was opened; --confirm takes the request id. Every app not done yet is opened and checked first, then erased in turn, each in its own transaction with its own event in its own ledger, and its completion is recorded on the request. When one app fails, the command names the apps done and not done and exits non-zero; the apps done stay done, and running the same command again erases only the rest. --dry-run shows each app's plan.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --subject email=alice@example.com --dry-run',
    '<%= config.bin %> <%= command.id %> -a example-app --subject email=alice@example.com --request R-2026-0009 --confirm example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --subjects-file leavers.txt --confirm example-app --json',
    '<%= config.bin %> <%= command.id %> -a example-app --request R-2026-0011 --subject email=alice@example.com --confirm R-2026-0011',
  ]

  static flags = {
    ...databaseFlags,
    ...ledgerFlags,
    ...subjectFlags,
    ...kindFlags,
    ...confirmFlags,
    map: mapFlag,
    request: Flags.string({description: 'the request this answers', helpValue: 'R-YYYY-NNNN'}),
    ...logStoreFlags,
    'include-connect': Flags.boolean({description: 'also erase Heroku Connect tables (the change syncs back to Salesforce)'}),
    'except-held': Flags.boolean({description: 'erase everything but the rows under a legal hold'}),
    'unlink-restricted-shared': Flags.boolean({
      description:
        "leave rows shared with a person under a restriction as they are, clearing only this person's links in them (by default the erasure refuses)",
    }),
    'allow-slow': Flags.boolean({description: 'run even when foreign keys without an index would make the erasure read more than --max-scan-rows rows'}),
    'max-scan-rows': Flags.integer({
      description:
        'refuse (exit 4) when foreign-key checks without an index would read more rows than this; the message names the CREATE INDEX lines that fix it',
      default: 100_000_000,
      min: 0,
    }),
    'lock-timeout': Flags.integer({description: 'seconds to wait for a lock held by another session before giving up', default: 10, min: 1}),
    locate: Flags.boolean({description: 'after the commit, search every table for what remains of the person, as privacy:locate does'}),
    'locate-seconds': Flags.integer({
      description: 'with --locate: stop searching after this many seconds and name the tables not reached (default: no limit)',
      min: 1,
      dependsOn: ['locate'],
    }),
  }

  async run(): Promise<ErasureResult | ErasureAcrossApps> {
    const {flags} = await this.parse(Erase)
    const subjects = await readSubjects(flags)
    const across = await openRequestAcrossApps(flags, this.opener)
    if (across) return this.eraseAcrossApps(flags, subjects, across)
    const {main, io, close} = await this.openRegistryAndLedger(flags, 'erasing a person', pool => checkErasePrivileges(pool, flags.map))
    try {
      const logs = await this.openLogStore(flags, main)
      if (flags.request) await getRequest(io.ledger, flags.request)
      const dryRun = flags['dry-run'] === true
      const confirmWith = confirmationName(main.heroku?.database.app.name, main.target.url)
      if (!dryRun) await requireConfirmation(flags.confirm, confirmWith, 'Erasing personal data')
      const result = await erasePeople({
        ...this.eraseOptions(flags),
        pool: io.registry,
        mapFile: flags.map,
        subjects,
        kinds: kindChoice(flags),
        requestId: flags.request ?? null,
        dryRun,
        ledger: io.ledger,
        sameDatabase: io.sameDatabase,
        logs: logs?.pool,
        locate: flags.locate ? {budgetMs: flags['locate-seconds'] === undefined ? undefined : flags['locate-seconds'] * 1000} : undefined,
        heroku: main.heroku,
        elapsed: () => performance.now(),
      })
      await renderErasure(this, result, {confirmWith, locate: flags.locate})
      this.logLedgerHead(result.ledgerHead)
      return result
    } finally {
      await close()
    }
  }

  private eraseOptions(flags: Interfaces.InferredFlags<typeof Erase.flags>): EraseOptions & {includeConnect: boolean; exceptHeld: boolean} {
    return {
      includeConnect: flags['include-connect'] === true,
      exceptHeld: flags['except-held'] === true,
      unlinkRestrictedShared: flags['unlink-restricted-shared'] === true,
      lockTimeoutMs: flags['lock-timeout'] * 1000,
      maxUnindexedScanRows: flags['allow-slow'] ? undefined : flags['max-scan-rows'],
      progress: this.progress,
    }
  }

  private async eraseAcrossApps(
    flags: Interfaces.InferredFlags<typeof Erase.flags>,
    subjects: SubjectLookup[],
    {ledger, request}: RequestAcrossApps,
  ): Promise<ErasureAcrossApps> {
    try {
      await assertRequestSubject(ledger.ctx, request, subjects)
      const dryRun = flags['dry-run'] === true
      if (!dryRun) await requireConfirmation(flags.confirm, request.id, `Erasing ${request.id} in ${request.apps.map(a => a.app).join(', ')}`)
      const result = await eraseAcrossApps({
        request,
        requestLedger: ledger.ctx,
        openApp: async scope => {
          const appFlags = {app: scope.app, 'ledger-url': flags['ledger-url'], actor: flags.actor}
          const {io, close} = await this.openRegistryAndLedger(appFlags, 'erasing a person', pool => checkErasePrivileges(pool, scope.map))
          return {io, holdsRequest: flags['ledger-url'] !== undefined || scope.app === ledger.ctx.scope, close}
        },
        subjects,
        kinds: kindChoice(flags),
        dryRun,
        options: this.eraseOptions(flags),
      })
      await renderErasureAcrossApps(this, result, {dryRun, requestId: request.id, ledgerScope: ledger.ctx.scope})
      this.logLedgerHead(result.ledgerHead)
      return result
    } finally {
      await ledger.close()
    }
  }
}
