import {PERSON_WORDS} from './lexicon.js'
import type {TableContext} from './table-context.js'

/* Words and table shapes that say a column is a person's where the table alone would not. */

/** People an organisation names in its own settings (its tax adviser, its directors): their details are a person's on any table. */
export const ADVISER_ROLES = ['adviser', 'coordinator']

/** Tables of a person's accounts at other services, by their last words (`chat_names`, `chat_accounts`). */
export const CHAT_ACCOUNTS = new Set(['names', 'accounts', 'users', 'identities', 'handles'])
/** Reports made for one person of what they did in a year (a "year in review"). */
export const isYearInReview = (table: TableContext) => {
  const names = table.nameWords ?? []
  return (
    names.some(w => ['report', 'reports', 'review', 'reviews', 'summary', 'summaries'].includes(w)) &&
    names.some(w => ['annual', 'yearly', 'year', 'wrapped'].includes(w))
  )
}

/** Pictures on a person's profile besides the avatar. */
export const PROFILE_PICTURES = new Set(['header', 'banner', 'cover'])
/** Tables of session recordings (replays of what a visitor did). */
export const RECORDINGS = new Set(['replay', 'replays', 'recording', 'recordings'])
/** Columns that keep what a text said before it was edited. */
export const EARLIER_VERSIONS = new Set(['history', 'revisions', 'edits'])

/** Tables that report a person's conduct (spam caught, abuse reported): the texts they keep are that person's. */
export const CONDUCT_REPORTS = new Set(['spam', 'abuse', 'complaint', 'complaints'])
/**
 * A table whose rows are people by its last word, after words for what they belong to (`import_source_users`,
 * `mcp_servers_users`): each row is one person's, so its names and tokens are theirs, not the machine's.
 */
export const peopleNamed = (table: TableContext) => {
  const head = table.nameWords?.at(-1) ?? ''
  return table.isPersonLinked && table.kind !== 'organisation' && (PERSON_WORDS.has(head) || PERSON_WORDS.has(head.replace(/s$/, '')))
}

/** A table named after a person first (`contact_inboxes`, `user_keys`) and pointing at one: each row is that person's own, whatever it is. */
export const ofAPerson = (table: TableContext) => {
  const head = table.nameWords?.[0] ?? ''
  return table.isPersonLinked && (table.nameWords?.length ?? 0) >= 2 && (PERSON_WORDS.has(head) || PERSON_WORDS.has(head.replace(/s$/, '')))
}

/** Names of records a merge or change log keeps: the duplicates it joined, the names a record had before. */
export const MERGED_RECORD_NAMES = new Set(['name', 'names', 'duplicate', 'duplicates', 'merged', 'old', 'previous', 'former', 'original', 'unified'])
