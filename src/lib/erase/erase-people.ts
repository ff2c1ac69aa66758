import type {HerokuApi} from '../heroku/api.js'
import type {HerokuDatabase} from '../heroku/resolve-database.js'
import {ledgerKey} from '../ledger/fingerprint.js'
import {headAt} from '../ledger/head.js'
import {preparePeople} from '../locate/locate.js'
import {UnlinkedCheck, findResidues} from '../locate/unlinked.js'
import {copiesElsewhere} from './elsewhere.js'
import {EraseInput, ErasureReport, eraseSubjects} from './erase.js'

export interface ErasePeopleInput extends Omit<EraseInput, 'key'> {
  /** After the commit, search every table for what remains of the people (`budgetMs` absent: as long as it takes). */
  locate?: {budgetMs?: number}
  /** The database on Heroku, to name the copies this erasure cannot reach (backups, forks, followers, drains). */
  heroku?: {api: HerokuApi; database: HerokuDatabase}
  clock?: () => Date
}

export interface ErasureResult extends ErasureReport {
  /** The ledger's head after the erasure's event (null on a dry run). */
  ledgerHead: string | null
  /** Copies of the data the erasure cannot reach, to erase or let expire. */
  elsewhere: string[]
  /** With `locate`: where the people's identifiers are still found after the commit. */
  residues: UnlinkedCheck | null
}

/**
 * `privacy:erase` for one database: erases and records in one transaction
 * (see eraseSubjects), then, with `locate`, searches every table for what
 * remains of the people — their identifiers read before the erasure, since
 * afterwards there is nothing left to read them from — and names the copies
 * elsewhere.
 */
export async function erasePeople(input: ErasePeopleInput): Promise<ErasureResult> {
  const {locate, heroku, clock = () => new Date(), ...erase} = input
  const before = locate && !input.dryRun ? await preparePeople(input.pool, input.mapFile, input.subjects, input.kinds) : undefined
  const report = await eraseSubjects({...erase, key: await ledgerKey(input.ledger.pool, input.ledger.scope)})
  const residues = before ? await findResidues({pool: input.pool, ...before, budgetMs: locate?.budgetMs, progress: input.progress}) : null
  const elsewhere = await copiesElsewhere(heroku?.api, heroku?.database, clock())
  return {...report, ledgerHead: await headAt(input.ledger.pool, report.ledgerEvent), elsewhere, residues}
}
