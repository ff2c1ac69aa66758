import {createHash} from 'node:crypto'

/** JSON with keys sorted at every level and no whitespace: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (Array.isArray(value)) return `[${value.map(item => canonicalJson(item)).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export const GENESIS_HASH = '0'.repeat(64)

export interface ChainedFields {
  seq: number
  at: string
  scope: string
  actor: string
  action: string
  requestId: string | null
  details: unknown
  prevHash: string
}

/** hash = sha256(prev_hash || canonical JSON of the event without its hash). */
export function hashEvent(event: ChainedFields): string {
  const {prevHash, ...rest} = event
  return createHash('sha256').update(prevHash).update(canonicalJson({...rest, prevHash})).digest('hex')
}
