import {flags as herokuFlags} from '@heroku-cli/command'

import {PrivacyCommand} from '../../cli/base-command.js'
import {appFlag} from '../../cli/flags.js'
import {ledgerFlags} from '../../cli/ledger.js'
import {tableFlags} from '../../cli/table.js'
import {SnapshotStatus, listSnapshots} from '../../lib/reconcile/snapshots.js'

export default class Snapshots extends PrivacyCommand {
  static description = `list the copies Heroku keeps of the app's database, and what each still holds

Backups, forks and followers, each with the erasures and restrictions recorded after it was made (so it still holds what they removed), the requests concerned, and whether a fork was reconciled with privacy:reapply. Backups cannot be edited: delete them (heroku pg:backups:delete) or document why they are kept until they expire.`

  static examples = ['<%= config.bin %> <%= command.id %> -a example-app', '<%= config.bin %> <%= command.id %> -a example-app --json']

  static flags = {
    app: appFlag({required: true}),
    remote: herokuFlags.remote(),
    ...ledgerFlags,
    ...tableFlags,
  }

  async run(): Promise<{snapshots: SnapshotStatus[]}> {
    const {flags} = await this.parse(Snapshots)
    const main = await this.resolveTarget({app: flags.app})
    const ledger = await this.openLedger(flags, main)
    try {
      const snapshots = await listSnapshots(main.heroku!.api, main.heroku!.database, ledger.ctx)
      if (snapshots.length === 0) this.log('No backups, forks or followers.')
      else {
        await this.table(
          snapshots,
          {
            kind: {header: 'Kind'},
            name: {header: 'Name'},
            createdAt: {header: 'Created', get: s => s.createdAt?.slice(0, 16).replace('T', ' ') ?? ''},
            holds: {header: 'Still holds'},
            reconciled: {header: 'Reconciled', extended: true, get: s => (s.reconciled === null ? 'cannot be' : s.reconciled ? 'yes' : 'NO')},
            note: {header: 'What to do'},
          },
          flags,
        )
      }
      return {snapshots}
    } finally {
      await ledger.close()
    }
  }
}
