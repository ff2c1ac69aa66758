import type {DataMap} from './schema.js'

/** A map built from a scan, with the evidence a reviewer reads as comments. */
export interface BuiltMap {
  map: DataMap
  /** `table` → comment above the table. */
  tableNotes: Map<string, string>
  /** `table\tcolumn` → comment after the column. */
  columnNotes: Map<string, string>
  /** `table\tcolumn` → comment after a proposed edge. */
  edgeNotes: Map<string, string>
}
