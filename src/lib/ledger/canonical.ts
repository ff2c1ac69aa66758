import {createHash} from 'node:crypto'

/**
 * JSON with keys sorted at every level and no whitespace: the same value always gives the same bytes.
 * A value with toJSON (a Date) is hashed as what it stores as; any other object that is not plain
 * (a Map, a Set, a class instance) is refused, since it would otherwise hash as `{}` and break the chain
 * when the stored JSON is read back.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`A ${typeof value} cannot go into the ledger's canonical JSON.`)
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (typeof (value as {toJSON?: unknown}).toJSON === 'function') return canonicalJson((value as {toJSON: () => unknown}).toJSON())
  if (Array.isArray(value)) return `[${value.map(item => canonicalJson(item)).join(',')}]`
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`A ${prototype?.constructor?.name ?? 'non-plain'} object cannot go into the ledger's canonical JSON; convert it to plain values first.`)
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
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
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({...rest, prevHash}))
    .digest('hex')
}
