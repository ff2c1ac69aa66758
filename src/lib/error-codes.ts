import {ExitCode, type ExitCodeValue} from './exit-codes.js'

interface CatalogueEntry {
  /** The exit status a command ends with when this error reaches it (a caller may choose another). */
  exit: ExitCodeValue
  /** One line for the README's table: what happened, in the admin's words. */
  doc: string
}

const usage = (doc: string): CatalogueEntry => ({exit: ExitCode.usage, doc})
const error = (doc: string): CatalogueEntry => ({exit: ExitCode.error, doc})
const violation = (doc: string): CatalogueEntry => ({exit: ExitCode.violations, doc})
const refusal = (doc: string): CatalogueEntry => ({exit: ExitCode.refused, doc})

/**
 * Every code a PrivacyError can carry. Scripts read `error.code` from --json,
 * so a code is never renamed; the README's table is generated from here.
 */
export const ERROR_CODES = {
  // Input
  usage: usage('A flag or argument is missing, malformed, or contradicts another.'),
  invalid_database_url: error('A database URL that is not postgres://USER:PASSWORD@HOST:PORT/DATABASE.'),
  invalid_lookup_value: usage('A --subject value of the wrong type for its lookup column.'),
  received_in_future: usage('A request received on a date after today.'),
  invalid_recipient: usage('The key to encrypt an archive to is not an age recipient (age1…).'),
  snapshot_needs_heroku: usage('A legal hold takes its snapshot through Heroku; the database was given outside it.'),
  output_exists: error('The output file exists; choose another or pass --force.'),
  confirmation_required: refusal('A command that changes data ran without --confirm.'),
  review_needs_terminal: usage('privacy:scan --review ran without an interactive terminal.'),
  confirmation_mismatch: refusal('--confirm names another app or database than the one the command would change.'),

  // Heroku
  unauthorized: error('Heroku rejected the API token.'),
  forbidden: error('The Heroku account may not do this.'),
  not_found: error('Heroku found nothing at the address asked.'),
  app_not_found: error('No such app, or the account cannot access it.'),
  rate_limited: error("Heroku's API rate limit was still exceeded after retrying."),
  api_unreachable: error('The Heroku API could not be reached.'),
  api_unavailable: error("Heroku's API kept failing after retries."),
  api_error: error('Heroku refused a request for another reason (its own id is in details).'),
  space_forbidden: error('The account cannot see the Private Space the database lives in.'),
  fir_app: refusal('A Fir-generation app, whose logs are not sent through Logplex drains.'),
  space_logging: refusal('A Private Space that forwards its logs itself; drains are not used.'),
  drain_refused: refusal('Heroku refused to add the log drain.'),
  drain_not_found: error('The app has no such log drain.'),
  addon_drain: refusal('The drain belongs to an add-on and goes with it.'),
  backup_failed: error('A backup taken for a legal hold failed; nothing was recorded.'),
  backup_timeout: error('A backup did not finish in time.'),
  fork_failed: error('A fork taken for a legal hold failed to provision.'),
  fork_timeout: error('A fork was still provisioning when the wait ended.'),
  point_in_time_unknown: usage('Heroku cannot tell when the data of a copy is from; pass --since.'),

  // Databases and connections
  no_database: error('The app has no Heroku Postgres database.'),
  database_not_found: error('No database by that name on the app.'),
  ambiguous_database: usage('The name matches several databases; name one.'),
  not_provisioned: error('The database is still provisioning.'),
  no_follower: error('No follower the app can reach for --from-follower.'),
  follower_read_only: usage('A command that writes was aimed at a follower; it must run on the leader.'),
  read_only_database: usage('A command that writes was aimed at a read-only database.'),
  no_bastion: error('A Private or Shield database without the bastion details needed to reach it.'),
  bastion_unreachable: error("The space's bastion could not be reached."),
  bastion_timeout: error('The SSH tunnel through the bastion did not open in time.'),
  bastion_auth_failed: error('The bastion refused the key Heroku handed out.'),
  bastion_key_invalid: error('The bastion key Heroku handed out could not be read.'),
  bastion_forward_refused: error('The bastion would not forward to the database.'),
  bastion_failed: error('The SSH tunnel failed for another reason.'),
  tunnel_dropped: error('The SSH tunnel closed while the command was working; nothing was committed.'),
  db_unreachable: error('The database could not be reached.'),
  db_auth_failed: error('The database refused the credentials.'),
  db_missing: error('The database named does not exist.'),
  db_permission_denied: error('The role may not read what the command needs.'),
  db_timeout: error('A query ran past its statement timeout.'),
  db_lock_timeout: error('Another session held a lock past the lock timeout.'),
  schema_not_writable: error("The role may not create the heroku_privacy schema's tables."),
  db_error: error('Postgres reported another error (its SQLSTATE is in details).'),

  // The data map
  no_map: error('No data map at the path given.'),
  map_unreadable: error('The data map file could not be read.'),
  invalid_map: error('The data map has problems; each is listed with its line.'),
  map_mismatch: error('The data map and the database disagree, or the map has problems.'),
  map_drift: violation('privacy:scan --check: the map is out of date with the database.'),
  map_unconfirmed: error('The map still has proposed references to confirm.'),
  invalid_strategy: error('An erase strategy that cannot apply to its column.'),
  reference_strategy: refusal('The map would change the values that tie rows to people.'),
  cycle_on_follower: error('References form a cycle, which a read-only follower cannot settle.'),

  // Finding the person
  subject_unknown: error('No table could be taken as the one with a row per person.'),
  subject_without_key: error('The table of people has no single-column primary key.'),
  subject_not_found: error('No person matches the lookup.'),
  subject_ambiguous: error('The lookup matches several people.'),
  subject_in_several_kinds: usage('The lookup finds someone in several kinds; choose --kind or --all-kinds.'),
  unknown_kind: usage('--kind names no kind of person in the map.'),
  unknown_lookup: usage('--subject names a column that is not a lookup.'),
  unlinked_appearances: violation('The person appears where the data map does not link them.'),

  // Exports and archives
  plaintext_refused: refusal('Sensitive data would leave unencrypted; pass --encrypt-to or --allow-plaintext.'),
  export_unfinished: error('The export stopped; no archive was written.'),
  row_security: violation('Row-level security hides rows from the role; the result would be incomplete.'),
  archive_missing: error('No archive at the path given.'),
  archive_unreadable: error('Not an archive made by privacy:export.'),
  archive_tampered: violation('The archive does not match its manifest.'),

  // Erasure and restriction
  erase_blocked: refusal("The erasure would break another person's data or a rule of the map; nothing was changed."),
  erase_slow: refusal('Foreign-key checks on unindexed columns would read too many rows; index them or pass --allow-slow.'),
  erase_constraint: error('A constraint stopped the erasure; nothing was changed.'),
  erase_lock_timeout: error('Another session held locks on a table; nothing was changed.'),
  permission_denied: refusal('The role lacks a privilege the command needs; nothing was changed.'),
  residue: violation("The check after the change found the person's data; nothing was committed."),
  legal_hold: refusal('Rows under a legal hold cannot be erased or lifted this way.'),
  restricted_shared: refusal("The person's rows are shared with someone whose data is restricted."),
  restriction_not_found: error('No active restriction for the person.'),
  approval_missing: refusal("Lifting a restriction needs the person's recorded approval."),
  enforce_not_permitted: error('The role may not create the triggers that enforce a restriction.'),
  views_not_permitted: error('The role may not replace the views of unrestricted rows.'),
  retention_no_key: refusal('A retention policy on a table without a primary key cannot run in batches.'),
  fingerprint_mismatch: violation('Recorded rows now belong to someone else in the copy.'),

  // Ledger and requests
  ledger_broken: violation("The ledger's hash chain is broken."),
  ledger_head_missing: violation('A ledger head kept outside the ledger is gone or differs.'),
  ledger_empty: error('The ledger records nothing to re-apply.'),
  ledger_write_failed: error('The change was committed but recording it in the separate ledger failed.'),
  clock_behind_ledger: error("The machine's clock is behind the ledger's last event."),
  request_not_found: error('No request by that id in the ledger.'),
  request_closed: error('The request is closed.'),
  request_apps_pending: refusal('A request across apps has apps not yet exported (access) or erased (erasure).'),
  request_apps_incomplete: error('An erasure across apps failed in one app; the message names the apps done and not done.'),
  request_subject_mismatch: refusal('The --subject is not the person the request across apps was opened for.'),
  request_not_erasure: refusal('An erasure across apps under a request that is not an erasure request.'),
  requests_overdue: violation('Requests are past their due date.'),
  extension_not_allowed: refusal("The request's law allows no extension."),
  extension_too_late: refusal("The extension comes after the request's first deadline."),
  extension_too_long: refusal("The extension goes past what the request's law allows."),

  // Uninstalling
  uninstall_foreign_objects: refusal("The tool's schemas hold objects it did not create; nothing was removed."),
  uninstall_restrictions_active: refusal('Restrictions or legal holds are active; removing their triggers would resume processing.'),
  uninstall_bypasses_unrecorded: refusal('Bypasses of the enforcement triggers are not yet in the ledger.'),
  uninstall_ledger_in_use: refusal('The ledger holds events or requests; choose --keep-ledger or --drop-ledger.'),
  uninstall_dependents: refusal("Objects the tool did not create depend on the tool's; nothing was removed."),
  uninstall_incomplete: error('Uninstalling would have left objects behind, so it was rolled back.'),
  uninstall_lock_timeout: error('Another session held a lock past the lock timeout; nothing was removed.'),
  uninstall_deadlock: error('A deadlock with another session; nothing was removed.'),
  uninstall_not_permitted: error('The role may not drop what the tool created (only its owner can).'),

  // Logs
  no_log_store: error('The database has no log store.'),
  log_redaction_failed: error("The erasure was committed but the log store's redaction failed."),

  // Compliance
  check_failed: violation('privacy:check found problems at or above --fail-on.'),

  // Anything else
  error: error('An unexpected error; the message says what failed.'),
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCode = keyof typeof ERROR_CODES
