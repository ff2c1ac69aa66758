import type pg from 'pg'

import type {DataMap} from '../datamap/schema.js'
import type {SchemaInfo} from '../db/introspect.js'
import {isPrivacyError} from '../errors.js'
import type {ProgressSink} from '../progress.js'
import type {SubjectLookup} from '../subject/parse.js'
import type {KindChoice} from '../subject/resolve.js'
import {Appearance, LocateReport, locateSubjects, searchEverywhere} from './locate.js'
import type {PersonSearch} from './person.js'

/** Where the people appear outside what the map links to them, as far as a time budget let the search go. */
export interface UnlinkedCheck {
  appearances: Appearance[]
  /** Tables the budget did not let it read. */
  notReached: string[]
  /** Why the search could not run, when it could not (the command's own work goes on). */
  failed?: string
}

export interface UnlinkedInput {
  pool: pg.Pool
  /** How long the search may take; without it, as long as it needs. */
  budgetMs?: number
  jobs?: number
  clock?: () => number
  progress?: ProgressSink
}

function summarise(report: LocateReport, linked: (a: Appearance) => boolean): UnlinkedCheck {
  return {appearances: report.found.filter(a => !linked(a)), notReached: report.notReached}
}

/**
 * A search that informs and never stops the command it runs in: a failure
 * becomes `failed`, named by its error code (a database message could quote
 * a value).
 */
async function guarded(work: () => Promise<UnlinkedCheck>): Promise<UnlinkedCheck> {
  try {
    return await work()
  } catch (error) {
    const code = isPrivacyError(error) ? error.code : ((error as {code?: string}).code ?? 'error')
    return {appearances: [], notReached: [], failed: `the search for the person outside the map failed (${code})`}
  }
}

/** For an export: where the people appear in rows the map does not tie to them, so that the archive does not hold those. */
export function findUnlinked(input: UnlinkedInput & {mapFile: string; subjects: SubjectLookup[]; kinds?: KindChoice}): Promise<UnlinkedCheck> {
  const clock = input.clock ?? Date.now
  const deadline = input.budgetMs === undefined ? undefined : clock() + input.budgetMs
  return guarded(async () => summarise(await locateSubjects({...input, jobs: input.jobs ?? 2, clock, deadline}), a => a.linked))
}

/**
 * For an erasure, after its commit: every place the people's identifiers
 * (read before the erasure) are still found. With their rows gone nothing
 * is linked any more, so every appearance is a residue.
 */
export function findResidues(input: UnlinkedInput & {map: DataMap; schema: SchemaInfo; people: PersonSearch}): Promise<UnlinkedCheck> {
  const clock = input.clock ?? Date.now
  const people = {...input.people, rows: new Map(), settings: {}}
  const deadline = input.budgetMs === undefined ? undefined : clock() + input.budgetMs
  return guarded(async () =>
    summarise(await searchEverywhere({pool: input.pool}, input.map, input.schema, people, {...input, jobs: input.jobs ?? 2, clock, deadline}), () => false),
  )
}

/** Lines for an export manifest's "not covered": where the person was found outside the archive, and what was not searched. */
export function describeUnlinked(check: UnlinkedCheck): string[] {
  const lines = check.appearances.map(
    a =>
      `${a.table}.${a.column}: ${a.rows} ${a.rows === 1 ? 'row mentions' : 'rows mention'} the person, but the data map does not link ${a.rows === 1 ? 'it' : 'them'} to the person (${a.inMap ? "someone else's rows" : 'a table outside the map'}), so this archive does not hold ${a.rows === 1 ? 'it' : 'them'}`,
  )
  if (check.notReached.length > 0) lines.push(`not searched for mentions of the person within the time allowed: ${check.notReached.join(', ')}`)
  if (check.failed) lines.push(check.failed)
  return lines
}
