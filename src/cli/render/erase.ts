import type {ErasureAcrossApps} from '../../lib/erase/across-apps.js'
import type {ErasureResult} from '../../lib/erase/erase-people.js'
import type {ErasureReport} from '../../lib/erase/erase.js'
import {costlyReferences} from '../../lib/erase/unindexed.js'
import {renderResidues} from '../../lib/ui/locate-report.js'
import {plural} from '../../lib/ui/words.js'
import type {SayTables} from './say.js'

type Step = ErasureReport['plan'][number]

function planColumns(withWhat: boolean) {
  return {
    kind: {header: 'Step'},
    table: {header: 'Table'},
    rows: {header: 'Rows', get: (step: Step) => String(step.rows)},
    ...(withWhat
      ? {what: {header: 'What', get: (step: Step) => (step.columns ? step.columns.map(c => `${c.column}: ${c.strategy}`).join(', ') : step.description)}}
      : {}),
  }
}

/** The plan, what it did or would do, and what is left for the admin: copies elsewhere, recipients to tell. */
export async function renderErasure(say: SayTables, result: ErasureResult, options: {confirmWith: string; locate: boolean}): Promise<void> {
  const dryRun = result.dryRun
  await say.table(result.plan, planColumns(true))
  if (dryRun) {
    say.log(
      '\nSQL it would run, in one transaction (values are bound parameters; pg_temp.hp_kN holds the keys of the rows of one table, chosen before any change):',
    )
    say.log(result.plan.map(step => `  ${step.sql};`).join('\n'))
  }
  if (result.logLines !== null) say.log(describeLogLines(result.logLines, result.subjects, dryRun))
  for (const note of result.notes) say.log(`Note: ${note}`)
  for (const slow of costlyReferences(result.unindexed)) {
    say.log(
      `Slow: ${slow.table} (${slow.columns.join(', ')}) has no index, so Postgres reads all ~${slow.tableRows.toLocaleString('en')} rows of ${slow.table} for each of the ${slow.deletedRows.toLocaleString('en')} ${slow.references} rows deleted; before large erasures run: ${slow.createIndex};`,
    )
  }
  if (result.residue) say.log(describeResidue(result.residue))
  say.log(
    dryRun
      ? `\nDry run: nothing was changed. Run again with --confirm ${options.confirmWith} to erase.`
      : `\nErased ${plural(result.subjects, 'person', 'people')} in one transaction (${plural(result.statements, 'statement')}); recorded as ledger event ${result.ledgerEvent}.`,
  )
  if (result.residues) say.log(`\n${renderResidues(result.residues)}`)
  else if (options.locate) say.log('\n--locate: nothing was erased, so nothing was searched.')
  const left = result.notErased.map(n => `${n.table}${n.rows > 0 ? ` (${plural(n.rows, 'row')})` : ''}: ${n.reason}`)
  say.log(`\nNot erased by this command:\n${[...left, ...result.elsewhere].map(line => `  - ${line}`).join('\n')}`)
  const recipients = result.recipientsToTell
  if (recipients.length > 0) {
    say.log(
      `\n${dryRun ? 'After the erasure, tell' : 'Tell'} the recipients of this data that it was erased (Art. 19), and ask them to erase their copies:\n${recipients.map(r => `  - ${r.name} (${r.role}): ${r.tables === 'all' ? 'all data' : r.tables.join(', ')}`).join('\n')}`,
    )
  }
}

export async function renderErasureAcrossApps(
  say: SayTables,
  result: ErasureAcrossApps,
  options: {dryRun: boolean; requestId: string; ledgerScope: string},
): Promise<void> {
  for (const app of result.apps) {
    say.log(`\n${app.app} (${app.map}): ${app.status === 'already-done' ? 'already erased' : app.status}`)
    if (!app.report) continue
    await say.table(app.report.plan, planColumns(false))
    if (!options.dryRun)
      say.log(`Recorded as event ${app.report.ledgerEvent} of ${app.app}'s ledger${app.appLedgerHead ? ` (head ${app.appLedgerHead})` : ''}.`)
  }
  say.log(
    options.dryRun
      ? `\nDry run: nothing was changed. Run again with --confirm ${options.requestId} to erase in ${result.notDone.join(', ')}.`
      : `\n${options.requestId} is erased in every app: ${result.done.join(', ')}. Close it with \`heroku privacy:requests:close ${options.requestId} -a ${options.ledgerScope} --outcome …\`.`,
  )
}

function describeResidue(residue: NonNullable<ErasureReport['residue']>): string {
  const head = `Residue check: searched ${residue.columns} column(s) for ${residue.identifiers} identifier(s) of the people before committing; nothing left where the map erases.`
  const reasons = {kept: 'kept by the map', unmapped: 'not erased by the map', other_rows: "in other people's rows, compared whole"} as Record<string, string>
  const found = residue.found.map(hit => `  - ${hit.table}.${hit.column}: ${hit.rows} row(s), ${reasons[hit.kind] ?? hit.kind}`)
  return found.length === 0 ? head : `${head}\nStill found, as the map allows:\n${found.join('\n')}`
}

function describeLogLines(lines: number, subjects: number, dryRun: boolean): string {
  const whom = subjects === 1 ? 'the person' : 'the people'
  if (lines === 0) return `Log store: no stored line mentions ${whom}.`
  const stored = plural(lines, 'stored line')
  return dryRun
    ? `Log store: ${stored} ${lines === 1 ? 'mentions' : 'mention'} ${whom} and would be redacted.`
    : `Log store: ${stored} mentioned ${whom}; each mention was replaced with [erased].`
}
