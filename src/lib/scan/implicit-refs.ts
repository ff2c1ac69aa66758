import type pg from 'pg'

import type {Edge} from '../datamap/schema.js'
import {ColumnInfo, SchemaInfo, TableInfo, isUniqueColumn} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import type {ColumnFinding} from './classify.js'
import {PERSON_WORDS} from './lexicon.js'
import type {TableContext} from './table-context.js'
import {nameWords} from './tokens.js'

export interface Proposal {
  table: string
  column: string
  to: string
  proposed: true
  role?: Edge['role']
  matched: number
  sampled: number
  /** Why the column was tried: a person's id by name, a reference by naming convention, e-mail addresses, a type/id pair. */
  reason: string
}

/** Words before `id` that name a person: `author_id`, `createdByWorkspaceMemberId`, `approved_by_id`. */
const PERSON_ROLES = new Set([
  'user',
  'author',
  'poster',
  'creator',
  'owner',
  'member',
  'doer',
  'reviewer',
  'publisher',
  'pusher',
  'inviter',
  'invitee',
  'blocker',
  'blockee',
  'actor',
  'assignee',
  'recipient',
  'sender',
  'reporter',
  'requester',
  'resolver',
  'approver',
  'by',
  'person',
  'resource',
  'participant',
  'attendee',
  'subscriber',
  'follower',
  'customer',
  'employee',
  'agent',
  'commenter',
  'editor',
  'uploader',
  'submitter',
  'signer',
  'responsible',
])
/** Words around a reference that name no table: `ref_cod_matricula`, `user_id`, `fk_order`. */
const REFERENCE_AFFIXES = new Set(['id', 'ids', 'ref', 'cod', 'fk', 'uuid', 'key', 'idpes'])

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'citext'])
/** A column of user names or logins (`login`, `username`, `user_name`), which other tables copy to name a person. */
const isLoginName = (name: string) => {
  const words = nameWords(name)
  return ['login', 'username'].includes(words.at(-1)!) || (words.at(-1) === 'name' && words.at(-2) === 'user')
}

const isReferenceShaped = (column: ColumnInfo) => ['int2', 'int4', 'int8', 'numeric', 'uuid', 'text', 'varchar', 'bpchar'].includes(column.baseType)

/** The tables a reference column's name points at by convention: `conversation_id` → conversations, `ref_cod_matricula` → matricula. */
function tablesNamedBy(column: string, schema: SchemaInfo, own: TableInfo): TableInfo[] {
  const words = nameWords(column)
  if (words.length < 2 || !words.some(w => REFERENCE_AFFIXES.has(w))) return []
  const stem = words.filter(w => !REFERENCE_AFFIXES.has(w))
  if (stem.length === 0) return []
  const names = new Set<string>()
  for (let start = 0; start < stem.length; start++) {
    const base = stem.slice(start).join('_')
    for (const name of [base, `${base}s`, `${base}es`, base.replace(/y$/, 'ies')]) names.add(name)
  }
  const matches = [...schema.tables.values()].filter(
    t =>
      t.key !== own.key &&
      t.primaryKey.length === 1 &&
      (t.kind === 'table' || t.kind === 'partitioned') &&
      [...names].some(n => normal(t.name) === n || normal(t.name).endsWith(`_${n}`)),
  )
  const sameSchema = matches.filter(t => t.schema === own.schema)
  return (sameSchema.length > 0 ? sameSchema : matches).slice(0, 3)
}

const normal = (name: string) => nameWords(name).join('_')

async function countMatches(pool: pg.Pool, target: TableInfo, targetColumn: ColumnInfo, values: string[]): Promise<number> {
  const {rows} = await pool.query<{matched: number}>(
    `SELECT count(DISTINCT v.x)::int AS matched FROM unnest($1::text[]) AS v(x)
     WHERE EXISTS (SELECT 1 FROM ${quoteTable(target)} r WHERE r.${quoteIdent(targetColumn.name)}::text = v.x)`,
    [values],
  )
  return rows[0]?.matched ?? 0
}

export interface ReferenceInput {
  pool: pg.Pool
  schema: SchemaInfo
  root: TableInfo
  contexts: Map<string, TableContext>
  findings: Map<string, ColumnFinding[]>
  samples: Map<string, Map<string, unknown[]>>
  /** Tables already reached through foreign keys: their references to the root are second roles. */
  reached: Set<string>
}

/**
 * Finds references that no foreign key declares, by name and confirmed by
 * value: a person's id under a role name (`author_id`, `created_by`, a text
 * `userId`), a reference by naming convention (`conversation_id` →
 * conversations) for tables not reached yet, and columns of e-mail addresses or user names
 * that match the root's. A table already reached gets the reference too, as a
 * second role. Each is a proposal until a person confirms it.
 */
export async function proposeImplicitReferences(input: ReferenceInput): Promise<Proposal[]> {
  const {root, schema} = input
  const rootKey = root.columns.find(c => c.name === root.primaryKey[0])
  const rootEmails = root.columns
    .filter(c =>
      (input.findings.get(root.key) ?? []).some(
        f => f.column === c.name && (f.holdsEmails || f.category === 'contact') && nameWords(c.name).some(w => w === 'email' || w === 'mail'),
      ),
    )
    .sort((a, b) => Number(isUniqueColumn(root, b.name)) - Number(isUniqueColumn(root, a.name)))
  const rootLogins = root.columns.filter(c => TEXT_TYPES.has(c.baseType) && isLoginName(c.name))
  const proposals: Proposal[] = []
  for (const table of schema.tables.values()) {
    if (table.key === root.key || !table.isReadable || !(table.kind === 'table' || table.kind === 'partitioned')) continue
    const samples = input.samples.get(table.key)
    if (!samples) continue
    const findings = input.findings.get(table.key) ?? []
    const foreign = new Set(table.foreignKeys.flatMap(fk => fk.columns))
    for (const column of table.columns) {
      if (foreign.has(column.name) || (table.primaryKey.includes(column.name) && table.primaryKey.length === 1)) continue
      const values = [
        ...new Set(
          (samples.get(column.name) ?? [])
            .flatMap(v => (Array.isArray(v) ? v : [v]))
            .filter(v => v !== null && v !== undefined)
            .map(String),
        ),
      ].slice(0, 200)
      if (values.length === 0) continue
      const words = nameWords(column.name)
      const attempts: Array<{target: TableInfo; column: ColumnInfo; reason: string; share: number}> = []
      const finding = findings.find(f => f.column === column.name)
      if (finding?.holdsEmails) for (const email of rootEmails) attempts.push({target: root, column: email, reason: 'e-mail addresses of the root', share: 0.2})
      if (TEXT_TYPES.has(column.baseType) && isLoginName(column.name))
        for (const login of rootLogins) attempts.push({target: root, column: login, reason: 'user names of the root', share: 0.8})
      const idShaped =
        isReferenceShaped(column) && words.length >= 1 && (['id', 'ids', 'uuid'].includes(words.at(-1)!) || words.at(-2) === 'by' || words.at(-1) === 'by')
      const roleWords = words.filter(w => !REFERENCE_AFFIXES.has(w))
      // A bare integer `uid` is the user's id (Gitea, Drupal, Discuz write it so).
      const userIdByAbbreviation = words.length === 1 && words[0] === 'uid' && ['int2', 'int4', 'int8'].includes(column.baseType)
      if (rootKey && (userIdByAbbreviation || (idShaped && roleWords.some(w => PERSON_ROLES.has(w) || PERSON_WORDS.has(w)))))
        attempts.push({target: root, column: rootKey, reason: "a person's id by its name", share: 0.8})
      if (!input.reached.has(table.key) && isReferenceShaped(column)) {
        for (const target of tablesNamedBy(column.name, schema, table)) {
          const key = target.columns.find(c => c.name === target.primaryKey[0])
          if (key && !attempts.some(a => a.target.key === target.key && a.column.name === key.name))
            attempts.push({target, column: key, reason: `named after ${target.key}`, share: 0.8})
        }
      }
      for (const attempt of attempts) {
        const matched = await countMatches(input.pool, attempt.target, attempt.column, values).catch(() => 0)
        if (matched > 0 && matched / values.length >= attempt.share) {
          proposals.push({
            table: table.key,
            column: column.name,
            to: `${attempt.target.key}.${attempt.column.name}`,
            proposed: true,
            matched,
            sampled: values.length,
            reason: attempt.reason,
          })
          break
        }
      }
    }
  }
  return proposals
}
