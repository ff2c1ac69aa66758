import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {confirmFlags, confirmationName, requireConfirmation} from '../../cli/confirm.js'
import {databaseFlags} from '../../cli/flags.js'
import {assertWritable} from '../../cli/writable.js'
import {isPrivacyError} from '../../lib/errors.js'
import {UninstallResult, uninstallTool} from '../../lib/uninstall/uninstall.js'

export default class Uninstall extends PrivacyCommand {
  static description = `remove everything heroku-privacy created in a database

Drops, in one transaction and never with CASCADE: the enforcement triggers (heroku_privacy_restriction) on the app's tables and their functions, the schema heroku_privacy_unrestricted with its views, the restriction registry, the log store and the ledger in the schema heroku_privacy. The app's own tables and rows are not touched.

Refused with exit 4, nothing changed: while any restriction or legal hold is active (removing the triggers and views would silently resume processing; lift them first), while bypasses of the triggers are not yet in the ledger, when the tool's schemas hold objects it did not create, and when the ledger records events or requests and neither --keep-ledger nor --drop-ledger says what to do with it. The ledger is the proof of past erasures: keep it, or save a copy before dropping it.

--dry-run lists exactly what would be dropped. On a database with nothing installed the command says so and exits 0.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app --dry-run',
    '<%= config.bin %> <%= command.id %> -a example-app --keep-ledger --confirm example-app',
    '<%= config.bin %> <%= command.id %> --database-url postgres://… --drop-ledger --confirm mydb',
  ]

  static flags = {
    ...databaseFlags,
    ...confirmFlags,
    'keep-ledger': Flags.boolean({
      description: 'keep the ledger (requests, events and their keys in heroku_privacy) and remove everything else',
      exclusive: ['drop-ledger'],
    }),
    'drop-ledger': Flags.boolean({
      description: 'also drop a ledger that records events or requests (the proof of past erasures: save a copy first)',
      exclusive: ['keep-ledger'],
    }),
    'lock-timeout': Flags.integer({
      description: 'seconds to wait for a lock held by another session before giving up with nothing changed',
      default: 10,
      min: 1,
    }),
  }

  async run(): Promise<UninstallResult> {
    const {flags} = await this.parse(Uninstall)
    const dryRun = flags['dry-run'] === true
    const options = {
      ledger: flags['keep-ledger'] ? 'keep' : flags['drop-ledger'] ? 'drop' : 'only-if-empty',
      lockTimeoutMs: flags['lock-timeout'] * 1000,
    } as const
    const {main, db} = await this.openTarget(flags)
    try {
      if (!dryRun) {
        await assertWritable(main, db, 'uninstalling')
        const plan = await uninstallTool(db.pool, {...options, dryRun: true})
        if (!plan.installed) return this.render({...plan, dryRun: false}, main.target.label)
        await requireConfirmation(flags.confirm, confirmationName(main.heroku?.database.app.name, main.target.url), 'Uninstalling heroku-privacy')
      }
      const result = await uninstallTool(db.pool, {...options, dryRun}).catch(async error => {
        if (dryRun && isPrivacyError(error) && error.result) await this.render(error.result as UninstallResult, main.target.label)
        throw error
      })
      return await this.render(result, main.target.label)
    } finally {
      await db.close()
    }
  }

  private async render(result: UninstallResult, label: string): Promise<UninstallResult> {
    if (!result.installed) {
      this.log(`Nothing of heroku-privacy is installed in ${label}; nothing to do.`)
      return result
    }
    if (result.dropped.length === 0) {
      this.log(`Only the ledger is installed in ${label}, and --keep-ledger keeps it; nothing to do.`)
      return result
    }
    this.log(`${result.dryRun ? 'Would drop' : 'Dropped'} from ${label}:`)
    await this.table(result.dropped, {kind: {header: 'Kind'}, name: {header: 'Object'}, on: {header: 'On table', get: o => o.on ?? ''}})
    if (result.kept.length > 0) {
      this.log(
        `${result.dryRun ? 'Would keep' : 'Kept'} the ledger: ${result.kept
          .filter(o => o.kind === 'table')
          .map(o => o.name)
          .join(', ')}.`,
      )
    }
    const done = result.kept.length > 0 ? 'Everything else of heroku-privacy is removed' : 'heroku-privacy is uninstalled from this database'
    this.log(result.dryRun ? 'Dry run: nothing was changed.' : `${done}; the app's own tables and rows are unchanged.`)
    return result
  }
}
