import type pg from 'pg'

import {TOOL_SCHEMA} from '../db/server-facts.js'
import {quoteIdent} from '../db/sql.js'
import {TRIGGER_NAME, VIEW_SCHEMA} from '../restrict/install.js'

/** The parts the tool installs in a database, by what they are for. */
export type Component = 'ledger' | 'registry' | 'logs' | 'bookkeeping' | 'views'

export interface InstalledObject {
  kind: 'schema' | 'table' | 'sequence' | 'view' | 'function' | 'trigger'
  /** As a person reads it: `heroku_privacy.events`, `heroku_privacy.is_restricted(tbl regclass, pk text)`. */
  name: string
  /** A trigger's table, as `schema.table`. */
  on?: string
  component: Component
}

/** An installed object and how SQL names it (every identifier quoted). */
export interface FoundObject extends InstalledObject {
  ref: string
  /** A trigger's table. */
  tableRef?: string
}

export interface Inventory {
  /** Everything the tool created that is there now (triggers first, schemas last is the drop order's job). */
  objects: FoundObject[]
  /** Objects in the tool's schemas that it did not create, or triggers of the app's that call its functions. */
  foreign: string[]
}

/**
 * What each migration in src/lib (ledger/migrate.ts, restrict/migrate.ts,
 * logs/store.ts, db/migrations.ts) creates in the heroku_privacy schema, by
 * name. Indexes, owned sequences, triggers of these tables and log partitions
 * go with their tables. Anything else found there was not made by the tool.
 */
const RELATIONS: Record<string, Component> = {
  keys: 'ledger',
  requests: 'ledger',
  request_numbers: 'ledger',
  events: 'ledger',
  event_rows: 'ledger',
  restrictions: 'registry',
  restricted_rows: 'registry',
  restriction_numbers: 'registry',
  bypass_log: 'registry',
  log_lines: 'logs',
  log_frames: 'logs',
  schema_versions: 'bookkeeping',
}
const LOG_PARTITION = /^log_lines_p\d{8}$/

const FUNCTIONS: Record<string, Component> = {reject_change: 'ledger', is_restricted: 'registry'}
/** Enforcement trigger functions are named per table (restrict/install.ts), so a changed map still leaves them recognisable. */
const ENFORCER = /^enforce_/

const KINDS: Record<string, InstalledObject['kind'] | 'other'> = {r: 'table', p: 'table', S: 'sequence', v: 'view'}

/**
 * Reads what the tool installed from the catalogue, never from the data map:
 * the enforcement triggers on app tables are found by their name and their
 * function's schema, so triggers of tables since removed from the map are found too.
 */
export async function readInventory(client: pg.ClientBase): Promise<Inventory> {
  const objects: FoundObject[] = []
  const foreign: string[] = []
  const {rows: triggers} = await client.query<{name: string; schema: string; table: string; fn: string; ours: boolean}>(
    `
    SELECT t.tgname AS name, n.nspname AS schema, c.relname AS table, p.oid::regprocedure::text AS fn,
           t.tgname = $2 AND p.proname ~ '^enforce_' AS ours
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace
    WHERE pn.nspname = $1 AND n.nspname <> $1 AND NOT t.tgisinternal AND t.tgparentid = 0
    ORDER BY 2, 3, 1`,
    [TOOL_SCHEMA, TRIGGER_NAME],
  )
  for (const t of triggers) {
    const on = `${t.schema}.${t.table}`
    const table = `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`
    if (t.ours) objects.push({kind: 'trigger', name: t.name, on, component: 'registry', ref: `${quoteIdent(t.name)} ON ${table}`, tableRef: table})
    else foreign.push(`trigger ${t.name} on ${on} (calls ${t.fn})`)
  }

  const {rows: relations} = await client.query<{schema: string; name: string; relkind: string}>(
    `
    SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ($1, $2) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND NOT c.relispartition
      -- A serial or identity column's sequence goes with its table.
      AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid AND d.deptype IN ('a', 'i')))
    ORDER BY 1, 2`,
    [TOOL_SCHEMA, VIEW_SCHEMA],
  )
  for (const r of relations) {
    const kind = KINDS[r.relkind] ?? 'other'
    const name = `${r.schema}.${r.name}`
    const component =
      r.schema === VIEW_SCHEMA ? (kind === 'view' ? 'views' : undefined) : (RELATIONS[r.name] ?? (LOG_PARTITION.test(r.name) ? 'logs' : undefined))
    if (component && kind !== 'other' && (kind === 'view') === (component === 'views'))
      objects.push({kind, name, component, ref: `${quoteIdent(r.schema)}.${quoteIdent(r.name)}`})
    else foreign.push(`${describeRelkind(r.relkind)} ${name}`)
  }

  const {rows: functions} = await client.query<{schema: string; name: string; args: string}>(
    `
    SELECT n.nspname AS schema, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ($1, $2) ORDER BY 1, 2, 3`,
    [TOOL_SCHEMA, VIEW_SCHEMA],
  )
  for (const f of functions) {
    const component = f.schema === TOOL_SCHEMA ? (FUNCTIONS[f.name] ?? (ENFORCER.test(f.name) ? 'registry' : undefined)) : undefined
    const name = `${f.schema}.${f.name}(${f.args})`
    // The identity arguments are type names as Postgres itself prints them, valid as they stand in DROP FUNCTION.
    if (component) objects.push({kind: 'function', name, component, ref: `${quoteIdent(f.schema)}.${quoteIdent(f.name)}(${f.args})`})
    else foreign.push(`function ${name}`)
  }

  const {rows: types} = await client.query<{name: string}>(
    `
    SELECT t.oid::regtype::text AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname IN ($1, $2) AND t.typrelid = 0 AND t.typelem = 0 ORDER BY 1`,
    [TOOL_SCHEMA, VIEW_SCHEMA],
  )
  foreign.push(...types.map(t => `type ${t.name}`))

  const {rows: schemas} = await client.query<{name: string}>('SELECT nspname AS name FROM pg_namespace WHERE nspname IN ($1, $2) ORDER BY 1', [
    TOOL_SCHEMA,
    VIEW_SCHEMA,
  ])
  for (const s of schemas) objects.push({kind: 'schema', name: s.name, component: s.name === VIEW_SCHEMA ? 'views' : 'bookkeeping', ref: quoteIdent(s.name)})
  return {objects, foreign}
}

function describeRelkind(relkind: string): string {
  return {r: 'table', p: 'table', v: 'view', m: 'materialized view', S: 'sequence', f: 'foreign table', c: 'type'}[relkind] ?? 'relation'
}
