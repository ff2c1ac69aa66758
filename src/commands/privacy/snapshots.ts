import {flags as herokuFlags} from '@heroku-cli/command'

import {PrivacyCommand} from '../../cli/base-command.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {resolveDatabase} from '../../lib/heroku/resolve-database.js'
import {SnapshotStatus, listSnapshots} from '../../lib/reconcile/snapshots.js'
import {passwordOfUrl} from '../../lib/redact.js'
import {formatTable} from '../../lib/ui/table.js'

export default class Snapshots extends PrivacyCommand {
  static description = `list the copies Heroku keeps of the app's database, and what each still holds

Backups, forks and followers, each with the erasures and restrictions recorded after it was made (so it still holds what they removed), the requests concerned, and whether a fork was reconciled with privacy:reapply. Backups cannot be edited: delete them (heroku pg:backups:delete) or document why they are kept until they expire.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> -a example-app --json']

  static flags = {
    app: herokuFlags.app({required: true}),
    remote: herokuFlags.remote(),
    ...ledgerFlags,
  }

  async run(): Promise<{snapshots: SnapshotStatus[]}> {
    const {flags} = await this.parse(Snapshots)
    const api = this.herokuApi()
    const leader = await resolveDatabase(api, {app: flags.app})
    this.rememberSecret(passwordOfUrl(leader.url))
    const ledger = await this.openLedger(flags, {target: {url: leader.url, label: leader.label}, heroku: {api, database: leader}})
    try {
      const snapshots = await listSnapshots(api, leader, ledger.ctx)
      this.log(snapshots.length === 0 ? 'No backups, forks or followers.' : formatTable(
        ['KIND', 'NAME', 'CREATED', 'STILL HOLDS', 'REQUESTS', 'RECONCILED', 'WHAT TO DO'],
        snapshots.map(s => [
          s.kind, s.name, s.createdAt?.slice(0, 16).replace('T', ' ') ?? '', s.predates.length === 0 ? '-' : `${s.predates.length} event(s)`,
          s.requests.join(', '), s.reconciled === null ? 'cannot be' : s.reconciled ? 'yes' : 'NO', s.note,
        ]),
      ))
      return {snapshots}
    } finally {
      await ledger.close()
    }
  }
}
