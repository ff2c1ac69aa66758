import type {TableColumns} from '../table.js'

/** Where a command's render writes: data lines to stdout, warnings to stderr (both silent under --json). */
export interface Say {
  log(message: string): void
  warn(message: string): unknown
}

/** A Say that also prints tables that fit the terminal. */
export interface SayTables extends Say {
  table<T extends object>(rows: T[], columns: TableColumns<T>): Promise<void>
}
