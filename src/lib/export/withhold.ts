import type {Category, TableMap} from '../datamap/schema.js'
import {refused} from '../errors.js'

/** Why a column is left out of an export. */
export type WithheldCode = 'credentials' | 'third_party'

export interface WithheldColumn {
  table: string
  column: string
  code: WithheldCode
  reason: string
}

export const WITHHELD_REASONS: Record<WithheldCode, string> = {
  credentials: 'a password hash, token or secret: handing it out would let whoever holds the archive attack the account, and it says nothing about the person',
  third_party: "another person's data, kept on a third-party basis",
}

/** Categories an archive must not carry unencrypted: card and bank data, government ids, health, biometrics, credentials. */
export const SENSITIVE_EXPORT_CATEGORIES: ReadonlySet<Category> = new Set(['credentials', 'financial', 'government_id', 'health', 'biometric'])

/** The columns of one table an export leaves out: credentials (unless asked for), and other people's data kept on their behalf. */
export function withheldColumns(table: string, spec: TableMap, options: {includeCredentials?: boolean} = {}): WithheldColumn[] {
  return Object.entries(spec.columns ?? {}).flatMap(([column, c]): WithheldColumn[] => {
    if (c.category === 'credentials' && !options.includeCredentials) return [{table, column, code: 'credentials', reason: WITHHELD_REASONS.credentials}]
    if (c.erase === 'keep' && c.basis === 'third_party') return [{table, column, code: 'third_party', reason: WITHHELD_REASONS.third_party}]
    return []
  })
}

/** `table.column (category)` for every exported column of a sensitive category. */
export function sensitiveColumns(tables: Array<{key: string; spec: TableMap; exported: string[]}>): string[] {
  return tables.flatMap(t =>
    t.exported.flatMap(column => {
      const category = t.spec.columns?.[column]?.category
      return category && SENSITIVE_EXPORT_CATEGORIES.has(category) ? [`${t.key}.${column} (${category})`] : []
    }),
  )
}

/**
 * Refuses (exit 4) to write an archive holding sensitive categories as a
 * plain zip: it goes encrypted to the person's key, or the admin says
 * explicitly that it will travel some other safe way.
 */
export function assertSafeDelivery(sensitive: string[], options: {encrypted: boolean; allowPlaintext: boolean}): void {
  if (sensitive.length === 0 || options.encrypted || options.allowPlaintext) return
  const shown = sensitive.slice(0, 4).join(', ') + (sensitive.length > 4 ? `, and ${sensitive.length - 4} more` : '')
  throw refused('plaintext_refused', `The archive would hold sensitive data unencrypted: ${shown}.`, {details: {sensitive}})
}

/**
 * The columns each table of an export leaves out, after refusing (exit 4) an
 * unencrypted archive of sensitive categories unless the admin allowed it.
 */
export function planWithholding(
  tables: Array<{key: string; spec: TableMap; columns: string[]}>,
  delivery: {encrypted: boolean; allowPlaintext: boolean},
): Map<string, WithheldColumn[]> {
  const hidden = new Map(tables.map(t => [t.key, withheldColumns(t.key, t.spec)]))
  const exported = tables.map(t => ({key: t.key, spec: t.spec, exported: t.columns.filter(c => !hidden.get(t.key)!.some(h => h.column === c))}))
  assertSafeDelivery(sensitiveColumns(exported), delivery)
  return hidden
}
