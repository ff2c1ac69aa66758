import type {Locale} from '../datamap/processing-schema.js'
import type {Art15Facts} from './art15.js'
import type {WithheldColumn} from './withhold.js'

/** manifest.json: what the archive holds and how to check it. */
export interface ManifestFile {
  path: string
  table: string
  rows: number
  bytes: number
  sha256: string
}

export interface Manifest {
  format: 'heroku-privacy-export'
  formatVersion: 1
  tool: {name: string; version: string}
  app: string | null
  database: string
  /** The moment of the one consistent snapshot every file was read from. */
  snapshotAt: string
  request: string | null
  dataFormat: 'json' | 'csv'
  subjects: Array<{kind: string; lookupColumn: string; fingerprint: string | null}>
  files: ManifestFile[]
  withheld: WithheldColumn[]
  pseudonymised: Array<{table: string; column: string; reason: string}>
  /**
   * The ledger's head (`SEQ:HASH`) when the archive was made: the export's own
   * event comes after it. `privacy:ledger:verify --head` checks it is still there.
   */
  ledgerHead: string | null
  /** Places that may hold the person's data and that this archive does not cover. */
  notCovered: string[]
  /** The language index.html is written in. */
  locale: Locale
  /** What Art. 15(1)(a)–(h) GDPR says the person is owed beside the data, as index.html tells it. */
  art15: Art15Facts
}

export const MANIFEST_PATH = 'manifest.json'
