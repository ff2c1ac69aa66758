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
  withheld: Array<{table: string; column: string; reason: string}>
  pseudonymised: Array<{table: string; column: string; reason: string}>
  /** Places that may hold the person's data and that this archive does not cover. */
  notCovered: string[]
}

export const MANIFEST_PATH = 'manifest.json'
