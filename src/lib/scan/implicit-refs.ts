import type pg from 'pg'

import type {Edge} from '../datamap/schema.js'
import type {ColumnInfo, TableInfo} from '../db/introspect.js'
import {quoteIdent, quoteTable} from '../db/sql.js'
import type {ColumnFinding} from './classify.js'

export interface Proposal extends Edge {
  table: string
  matched: number
  sampled: number
}

const PERSON_ID = /^(user|customer|account|member|person|client|owner|author|requester|contact|patient|subscriber)_?id$/i

/** Root columns a reference by value could point at: its key, and any column of email addresses. */
function rootTargets(root: TableInfo, rootFindings: ColumnFinding[]): {emails: ColumnInfo[]; key: ColumnInfo | undefined} {
  const emails = root.columns.filter(c => rootFindings.some(f => f.column === c.name && (f.holdsEmails || (f.category === 'contact' && /mail/i.test(c.name)))))
  return {emails, key: root.columns.find(c => c.name === root.primaryKey[0])}
}

async function countMatches(pool: pg.Pool, root: TableInfo, target: ColumnInfo, values: string[]): Promise<number> {
  const {rows} = await pool.query<{matched: number}>(
    `SELECT count(DISTINCT v.x)::int AS matched FROM unnest($1::text[]) AS v(x)
     WHERE EXISTS (SELECT 1 FROM ${quoteTable(root)} r WHERE r.${quoteIdent(target.name)} = CAST(v.x AS ${target.type}))`,
    [values],
  )
  return rows[0]?.matched ?? 0
}

/**
 * Finds columns that refer to a person without a foreign key: their sampled
 * values are the root's email addresses or keys (a support ticket's
 * requester_email, a synced CRM contact's email). Each is only a proposal
 * until a person confirms it.
 */
export async function proposeImplicitReferences(input: {
  pool: pg.Pool
  root: TableInfo
  rootFindings: ColumnFinding[]
  candidates: Array<{table: TableInfo; findings: ColumnFinding[]; samples: Map<string, unknown[]>}>
}): Promise<Proposal[]> {
  const {emails, key} = rootTargets(input.root, input.rootFindings)
  const proposals: Proposal[] = []
  for (const {table, findings, samples} of input.candidates) {
    for (const column of table.columns) {
      const finding = findings.find(f => f.column === column.name)
      const isFk = table.foreignKeys.some(fk => fk.columns.includes(column.name))
      const targets = finding?.holdsEmails ? emails : !isFk && key && PERSON_ID.test(column.name) ? [key] : []
      const values = [...new Set((samples.get(column.name) ?? []).filter((v): v is string => typeof v === 'string'))].slice(0, 200)
      if (targets.length === 0 || values.length === 0) continue
      for (const target of targets) {
        const matched = await countMatches(input.pool, input.root, target, values).catch(() => 0)
        if (matched > 0 && matched / values.length >= 0.2) {
          proposals.push({table: table.key, column: column.name, to: `${input.root.key}.${target.name}`, proposed: true, matched, sampled: values.length})
          break
        }
      }
    }
  }
  return proposals
}
