import type pg from 'pg'

import {MIGRATION_LOCK} from '../db/migrations.js'
import {begin} from '../db/transaction.js'
import {PrivacyError} from '../errors.js'
import type {FoundObject} from './inventory.js'
import {LedgerChoice, UninstallPlan, planUninstall, refusalError} from './plan.js'

export type {LedgerChoice, UninstallPlan} from './plan.js'

export interface UninstallOptions {
  dryRun: boolean
  ledger: LedgerChoice
  /** How long to wait for a lock another session holds before giving up with nothing changed. */
  lockTimeoutMs: number
}

export interface UninstallResult extends UninstallPlan {
  dryRun: boolean
}

/**
 * Removes everything the tool created in one database — enforcement triggers
 * on app tables, the views, the restriction registry, the log store, and the
 * ledger unless it is kept — in one transaction. Refuses (nothing changed)
 * while restrictions are active, while the ledger records something and the
 * caller has not chosen what to do with it, or when the tool's schemas hold
 * objects it did not create. A dry run only reads.
 */
export async function uninstallTool(pool: pg.Pool, options: UninstallOptions): Promise<UninstallResult> {
  const client = await pool.connect()
  try {
    return options.dryRun ? await planOnly(client, options.ledger) : await dropInstalled(client, options)
  } finally {
    client.release()
  }
}

async function planOnly(client: pg.PoolClient, ledger: LedgerChoice): Promise<UninstallResult> {
  await begin(client, {isolation: 'repeatable read', readOnly: true})
  try {
    const {plan, refusal} = await planUninstall(client, ledger)
    if (refusal) throw refusalError(refusal, {...plan, dryRun: true})
    return {...plan, dryRun: true}
  } finally {
    await client.query('ROLLBACK').catch(() => {})
  }
}

async function dropInstalled(client: pg.PoolClient, options: UninstallOptions): Promise<UninstallResult> {
  const step = {what: "the tool's schema"}
  try {
    await begin(client, {lockTimeoutMs: options.lockTimeoutMs})
    step.what = "the tool's schema (another run of the tool is changing it)"
    // The same lock migrations take: no restriction or ledger table can appear while this runs.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    const first = await planUninstall(client, options.ledger)
    if (!first.plan.installed) {
      await client.query('ROLLBACK')
      return {...first.plan, dryRun: false}
    }
    if (first.refusal) throw refusalError(first.refusal, {...first.plan, dryRun: false})
    // Locked before counting, so no restriction, bypass or event appears between the count and the drop. App
    // tables first: their writers take the registry's tables after their own, so this order cannot deadlock with them.
    const appTables = [...new Set(first.toDrop.flatMap(o => (o.tableRef ? [o.tableRef] : [])))]
    const toolTables = first.toDrop.filter(o => o.kind === 'table').map(o => o.ref)
    step.what = 'the tables with enforcement triggers'
    if (appTables.length > 0) await client.query(`LOCK TABLE ${appTables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`)
    step.what = "the tool's tables"
    if (toolTables.length > 0) await client.query(`LOCK TABLE ${toolTables.join(', ')} IN ACCESS EXCLUSIVE MODE`)
    const {plan, toDrop, refusal} = await planUninstall(client, options.ledger)
    if (refusal) throw refusalError(refusal, {...plan, dryRun: false})
    for (const statement of dropStatements(toDrop, plan.kept.length > 0)) {
      step.what = statement.what
      await client.query(statement.sql)
    }
    await assertNothingLeft(client, options.ledger)
    await client.query('COMMIT')
    return {...plan, dryRun: false}
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw explain(error, step.what, options.lockTimeoutMs)
  }
}

/** One DROP per kind (Postgres resolves dependencies among the objects of one statement); never CASCADE. */
function dropStatements(toDrop: FoundObject[], isLedgerKept: boolean): Array<{what: string; sql: string}> {
  const statements: Array<{what: string; sql: string}> = []
  for (const trigger of toDrop.filter(o => o.kind === 'trigger')) statements.push({what: trigger.on!, sql: `DROP TRIGGER ${trigger.ref}`})
  const all = (kind: FoundObject['kind'], filter: (o: FoundObject) => boolean = () => true) => toDrop.filter(o => o.kind === kind && filter(o))
  const dropAll = (keyword: string, objects: FoundObject[]) => {
    if (objects.length > 0) statements.push({what: objects.map(o => o.name).join(', '), sql: `DROP ${keyword} ${objects.map(o => o.ref).join(', ')}`})
  }
  dropAll('VIEW', all('view'))
  dropAll(
    'SCHEMA',
    all('schema', o => o.component === 'views'),
  )
  dropAll('TABLE', all('table'))
  dropAll('SEQUENCE', all('sequence'))
  dropAll('FUNCTION', all('function'))
  // A kept ledger keeps its migration record; the parts dropped lose theirs, so using them again recreates them.
  if (isLedgerKept) statements.push({what: 'heroku_privacy.schema_versions', sql: "DELETE FROM heroku_privacy.schema_versions WHERE component <> 'ledger'"})
  dropAll(
    'SCHEMA',
    all('schema', o => o.component !== 'views'),
  )
  return statements
}

/** The tool checks its own claim before COMMIT: nothing it created may be left, except a ledger it was told to keep. */
async function assertNothingLeft(client: pg.ClientBase, ledger: LedgerChoice): Promise<void> {
  const {plan} = await planUninstall(client, ledger)
  const left = plan.dropped.map(o => (o.on ? `${o.kind} ${o.name} on ${o.on}` : `${o.kind} ${o.name}`))
  if (left.length > 0)
    throw new PrivacyError(`Uninstalling left ${left.join(', ')} behind, so it was rolled back and nothing was changed; please report this.`, {
      code: 'uninstall_incomplete',
    })
}

function explain(error: unknown, what: string, lockTimeoutMs: number): unknown {
  if (error instanceof PrivacyError) return error
  const e = error as {code?: string; message?: string; detail?: string}
  switch (e.code) {
    case '55P03':
      return new PrivacyError(
        `Another session holds a lock on ${what}, and the lock timeout (${Math.round(lockTimeoutMs / 1000)}s) passed. Nothing was changed; try again when it is quieter.`,
        {code: 'uninstall_lock_timeout'},
      )
    case '40P01':
      return new PrivacyError(`Another session was waiting on ${what} at the same moment (a deadlock). Nothing was changed; run again.`, {
        code: 'uninstall_deadlock',
      })
    case '42501':
      return new PrivacyError(
        `This role may not drop ${what} (only its owner can): run as the role that installed it, usually the app's default credential. Nothing was changed.`,
        {code: 'uninstall_not_permitted'},
      )
    case '2BP01':
      return new PrivacyError(`Objects the tool did not create depend on ${what} (${e.detail ?? e.message}); change or drop them first. Nothing was changed.`, {
        code: 'uninstall_dependents',
      })
    default:
      return error
  }
}
