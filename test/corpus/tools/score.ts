/**
 * Compares what the scan wrote with what the labels say: recall over the
 * personal columns that hold data, precision over the flagged columns,
 * category agreement, the subject table, tables with personal data the map
 * does not reach, and references without a foreign key the scan proposed.
 */
import {edgeColumns, edgeTarget, edgesOf, splitColumnRef, subjectKinds, type DataMap} from '../../../src/lib/datamap/schema.js'
import {splitColumnPath} from './references.js'
import type {CorpusLabels} from './types.js'

export interface ScanOutcome {
  /** The subject table the scan picked on its own, or null when it could not tell. */
  guessedSubject: string | null
  /** `schema.table.column` → category of every column the scan flagged as personal. */
  flagged: Map<string, string>
  /** The map written with the right subject table (the scan's own when it guessed right). */
  map: DataMap
  /** Tables the scan itself reported as personal but unreachable. */
  reportedUnreachable: string[]
}

export interface Miss {
  column: string
  category: string
}
export interface FalseFlag {
  column: string
  category: string
}
export interface Disagreement {
  column: string
  labelled: string
  scanned: string
}

export interface AppScore {
  app: string
  tables: number
  columns: number
  personal: number
  personalWithData: number
  flagged: number
  recall: number
  precision: number
  categoryAgreement: number
  subject: {expected: string; guessed: string | null; right: boolean}
  /** Tables whose labelled references lead to the person, holding personal data, that the map leaves unreached. */
  unreached: string[]
  /** Of those, the ones the scan did not warn about. */
  silentlyUnreached: string[]
  referencesWithoutFk: {expected: number; found: number; missing: string[]}
  misses: Miss[]
  falseFlags: FalseFlag[]
  disagreements: Disagreement[]
}

const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d)

/** Tables whose labelled references lead, through any chain, to the main subject table. */
export function tablesReachingSubject(labels: CorpusLabels, tableKeys: Set<string>): Set<string> {
  const reached = new Set([labels.subjects[0]!.table])
  let grew = true
  while (grew) {
    grew = false
    for (const [table, reaches] of Object.entries(labels.reaches)) {
      if (reached.has(table)) continue
      if (reaches.some(r => reached.has(splitColumnPath(r.to, tableKeys)?.table ?? ''))) {
        reached.add(table)
        grew = true
      }
    }
  }
  return reached
}

/** Tables the map reaches from its subject, following `via` edges. */
export function tablesReachedByMap(map: DataMap): Set<string> {
  const reached = new Set(subjectKinds(map).map(k => k.table))
  let grew = true
  while (grew) {
    grew = false
    for (const [table, spec] of Object.entries(map.tables)) {
      if (reached.has(table)) continue
      if (edgesOf(spec).some(e => reached.has(edgeTarget(e).table))) {
        reached.add(table)
        grew = true
      }
    }
  }
  return reached
}

export function scoreApp(input: {
  app: string
  tables: number
  columns: number
  tableKeys: Set<string>
  labels: CorpusLabels
  filled: Set<string>
  outcome: ScanOutcome
}): AppScore {
  const {labels, filled, outcome} = input
  const personal = new Map(Object.entries(labels.personal).map(([k, v]) => [k, v.category]))
  const withData = [...personal.keys()].filter(k => filled.has(k))
  const flagged = outcome.flagged
  const truePositives = [...flagged.keys()].filter(k => personal.has(k))
  const agreeing = truePositives.filter(k => personal.get(k) === flagged.get(k))
  const columnTable = (column: string) => splitColumnPath(column, input.tableKeys)?.table ?? splitColumnRef(column).table
  const personalTables = new Set(withData.map(columnTable))
  const subjectTables = new Set(labels.subjects.map(s => s.table))
  const expectedReach = tablesReachingSubject(labels, input.tableKeys)
  const reachedByMap = tablesReachedByMap(outcome.map)
  const unreached = [...personalTables].filter(t => !subjectTables.has(t) && expectedReach.has(t) && !reachedByMap.has(t)).sort()
  const expectedRefs: Array<{table: string; columns: string[]; to: string}> = []
  for (const [table, reaches] of Object.entries(labels.reaches)) {
    for (const reach of reaches) {
      const columns = Array.isArray(reach.column) ? reach.column : [reach.column]
      if (!reach.fk && columns.every(c => filled.has(`${table}.${c}`))) expectedRefs.push({table, columns, to: reach.to})
    }
  }
  const found = expectedRefs.filter(ref =>
    edgesOf(outcome.map.tables[ref.table] ?? {}).some(e => {
      const target = edgeTarget(e)
      const wanted = splitColumnPath(ref.to, input.tableKeys) ?? splitColumnRef(ref.to)
      return edgeColumns(e).some(c => ref.columns.includes(c)) && target.table === wanted.table && target.columns.includes(wanted.column)
    }),
  )
  const expectedSubject = labels.subjects[0]!.table
  return {
    app: input.app,
    tables: input.tables,
    columns: input.columns,
    personal: personal.size,
    personalWithData: withData.length,
    flagged: flagged.size,
    recall: ratio(withData.filter(k => flagged.has(k)).length, withData.length),
    precision: ratio(truePositives.length, flagged.size),
    categoryAgreement: ratio(agreeing.length, truePositives.length),
    subject: {expected: expectedSubject, guessed: outcome.guessedSubject, right: outcome.guessedSubject === expectedSubject},
    unreached,
    silentlyUnreached: unreached.filter(t => !outcome.reportedUnreachable.includes(t)),
    referencesWithoutFk: {
      expected: expectedRefs.length,
      found: found.length,
      missing: expectedRefs.filter(r => !found.includes(r)).map(r => `${r.table}.${r.columns.join('+')} → ${r.to}`),
    },
    misses: withData.filter(k => !flagged.has(k)).map(k => ({column: k, category: personal.get(k)!})),
    falseFlags: [...flagged].filter(([k]) => !personal.has(k)).map(([column, category]) => ({column, category})),
    disagreements: truePositives.filter(k => personal.get(k) !== flagged.get(k)).map(k => ({column: k, labelled: personal.get(k)!, scanned: flagged.get(k)!})),
  }
}

export interface OverallScore {
  apps: number
  personalWithData: number
  flagged: number
  recall: number
  precision: number
  categoryAgreement: number
  subjectsRight: number
  unreached: number
  silentlyUnreached: number
  referencesWithoutFk: {expected: number; found: number}
}

/** Figures over the whole corpus, counting every column once (not an average of the apps' ratios). */
export function overall(scores: AppScore[]): OverallScore {
  const sum = (f: (s: AppScore) => number) => scores.reduce((n, s) => n + f(s), 0)
  const tp = sum(s => s.flagged - s.falseFlags.length)
  return {
    apps: scores.length,
    personalWithData: sum(s => s.personalWithData),
    flagged: sum(s => s.flagged),
    recall: ratio(
      sum(s => s.personalWithData - s.misses.length),
      sum(s => s.personalWithData),
    ),
    precision: ratio(
      tp,
      sum(s => s.flagged),
    ),
    categoryAgreement: ratio(tp - sum(s => s.disagreements.length), tp),
    subjectsRight: scores.filter(s => s.subject.right).length,
    unreached: sum(s => s.unreached.length),
    silentlyUnreached: sum(s => s.silentlyUnreached.length),
    referencesWithoutFk: {expected: sum(s => s.referencesWithoutFk.expected), found: sum(s => s.referencesWithoutFk.found)},
  }
}
