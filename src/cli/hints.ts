import type {ErrorCode} from '../lib/error-codes.js'

/**
 * What a command adds to a lib error: the flag that settles it. The lib says
 * what is wrong in words that make sense without a command line (its errors
 * reach runbooks too); a hint applies only in a command that has every flag it
 * names, so `legal_hold` points privacy:erase at --except-held and
 * privacy:restrict:lift at --release-hold.
 */
export interface FlagHint {
  /** The command's flags the hint names; all must exist for it to apply. */
  flags: string[]
  /** Put before the lib's message: the flag whose value the message is about. */
  before?: string
  /** A sentence put after the lib's message. */
  after?: string
}

export const FLAG_HINTS: Partial<Record<ErrorCode, FlagHint[]>> = {
  output_exists: [{flags: ['out', 'force'], after: 'Choose another --out or pass --force to replace it.'}],
  row_security: [{flags: ['allow-incomplete'], after: 'Or pass --allow-incomplete to write it and list those tables as not covered.'}],
  plaintext_refused: [
    {
      flags: ['encrypt-to', 'allow-plaintext'],
      after: "Encrypt it to the person's age key with --encrypt-to age1…, or pass --allow-plaintext if it will reach them another safe way.",
    },
  ],
  invalid_recipient: [{flags: ['encrypt-to'], before: '--encrypt-to: '}],
  unknown_kind: [{flags: ['kind'], before: '--kind '}],
  subject_in_several_kinds: [
    {flags: ['kind', 'all-kinds'], after: 'Pass --kind to choose one, or --all-kinds to answer for every kind (one archive, one erasure).'},
  ],
  received_in_future: [{flags: ['received'], after: 'Give the date it reached you with --received.'}],
  erase_lock_timeout: [{flags: ['lock-timeout'], after: 'Raise --lock-timeout to wait longer.'}],
  uninstall_lock_timeout: [{flags: ['lock-timeout'], after: 'Raise --lock-timeout to wait longer.'}],
  erase_slow: [{flags: ['allow-slow'], after: 'Or accept the slow run with --allow-slow.'}],
  legal_hold: [
    {flags: ['except-held'], after: 'Or erase the rest with --except-held.'},
    {flags: ['release-hold'], after: 'Lift it only when the claim is settled, with --release-hold.'},
  ],
  restricted_shared: [
    {flags: ['unlink-restricted-shared'], after: "Or pass --unlink-restricted-shared to leave those rows and clear only this person's links in them."},
  ],
  approval_missing: [{flags: ['approved-by', 'evidence'], after: 'Pass --approved-by NAME and --evidence TEXT.'}],
  point_in_time_unknown: [{flags: ['since'], after: 'Pass --since with the time of the backup or rollback it came from.'}],
  unknown_lookup: [{flags: ['subject'], before: '--subject: '}],
  no_database: [{flags: ['database-url'], after: 'Or point at any Postgres with --database-url.'}],
  no_follower: [{flags: ['from-follower'], after: 'Without --from-follower the export reads the leader.'}],
  uninstall_ledger_in_use: [{flags: ['keep-ledger', 'drop-ledger'], after: 'Run again with --keep-ledger to keep it, or with --drop-ledger once it is saved.'}],
  ambiguous_database: [{flags: ['database'], after: 'Name one with --database.'}],
  enforce_not_permitted: [{flags: ['enforce'], after: "Restrict without --enforce (the registry and views still work), or run as the table's owner."}],
  snapshot_needs_heroku: [{flags: ['snapshot'], after: 'Outside Heroku pass --snapshot none and keep your own copy.'}],
}

/** The message as the command shows it: the lib's, with the hints whose flags the command has. */
export function withFlagHints(code: ErrorCode, message: string, commandFlags: Record<string, unknown>): string {
  const hints = (FLAG_HINTS[code] ?? []).filter(hint => hint.flags.every(flag => flag in commandFlags))
  return hints.reduce((text, hint) => `${hint.before ?? ''}${text}${hint.after ? ` ${hint.after}` : ''}`, message)
}
