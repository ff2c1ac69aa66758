import {Args} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {violation} from '../../lib/errors.js'
import {ArchiveVerdict, verifyArchive} from '../../lib/export/verify.js'

export default class Verify extends PrivacyCommand {
  static description = `check an export archive against its manifest

Recomputes every data file's sha256 and row count and compares them with manifest.json. Exits 0 when the archive is intact, 3 when any file differs, is missing, or was added, naming it.`

  static examples = ['<%= config.bin %> <%= command.id %> example-app-R-2026-0007.zip', '<%= config.bin %> <%= command.id %> alice.zip --json']

  static args = {archive: Args.string({description: 'the .zip written by privacy:export', required: true})}

  async run(): Promise<ArchiveVerdict> {
    const {args} = await this.parse(Verify)
    const verdict = await verifyArchive(args.archive)
    for (const file of verdict.files) this.log(`${file.ok ? 'ok  ' : 'BAD '} ${file.path}${file.problem ? `: ${file.problem}` : ''}`)
    for (const name of verdict.unexpected) this.log(`BAD  ${name}: not listed in the manifest`)
    if (!verdict.intact) {
      const bad = [...verdict.files.filter(f => !f.ok).map(f => f.path), ...verdict.unexpected]
      throw violation('archive_tampered', `${args.archive} does not match its manifest: ${bad.join(', ')}.`, {details: verdict})
    }
    this.log(`${args.archive} is intact: ${verdict.files.length} files match the manifest (snapshot ${verdict.manifest.snapshotAt}).`)
    if (verdict.manifest.ledgerHead)
      this.log(
        `It was made when the ledger's head was ${verdict.manifest.ledgerHead}; check the ledger still holds it with \`heroku privacy:ledger:verify --head ${verdict.manifest.ledgerHead}\`.`,
      )
    return verdict
  }
}
