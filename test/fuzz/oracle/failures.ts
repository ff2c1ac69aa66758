/** What the oracle can find wrong. Every kind is a claim the tool made that the data contradicts. */
export type FailureKind =
  /** Rows the map deletes are still there after a successful erasure. */
  | 'rows-remain'
  /** Rows the map keeps (anonymises) are gone after a successful erasure: a cascade took what the map keeps. */
  | 'kept-gone'
  /** A column the map erases still holds one of the person's identifiers. */
  | 'residue'
  /** Another person's row changed beyond what the map allows, or disappeared. */
  | 'others-changed'
  /** A row under another person's restriction (shared with the erased person) or legal hold changed. */
  | 'restricted-changed'
  /** A row of the erased person now belongs, by the map, to someone else. */
  | 'handed-over'
  /** A kept row of the person changed in a column the map does not erase. */
  | 'unclaimed-changed'
  /** The ledger's chain is broken, holds no record of the erasure, or holds the person's identifiers. */
  | 'ledger'
  /** The tool refused (or failed) but the data or the ledger changed. */
  | 'changed-on-refusal'
  /** An error that is not a PrivacyError: a stack trace instead of one clear line. */
  | 'crash'
  /** The tool's own values broke a unique index: after one erasure the next cannot run. */
  | 'self-collision'
  /** The tool deleted a row something still pointed at: its plan promised an order in which foreign keys never fail. */
  | 'plan-broken'
  /** The tool's own residue check rolled the erasure back: its plan left what the map erases (the tool calls this a defect). */
  | 'self-caught'

export interface Failure {
  kind: FailureKind
  table?: string
  column?: string
  detail: string
}

export const describeFailure = (f: Failure) => `${f.kind}${f.table ? ` ${f.table}${f.column ? `.${f.column}` : ''}` : ''}: ${f.detail}`
