/**
 * The evaluator's table, as printed and as kept in BENCHMARKS.md between two
 * markers (the section is replaced on every run, the rest of the file kept).
 */
import {readFile, writeFile} from 'node:fs/promises'

import type {AppScore, OverallScore} from './score.js'

export const BEGIN = '<!-- corpus-scan:begin -->'
export const END = '<!-- corpus-scan:end -->'

const pct = (x: number) => `${(x * 100).toFixed(1)}%`

export function scoreTable(scores: AppScore[], total: OverallScore): string {
  const header =
    '| app | tables | personal columns with data | flagged | recall | precision | category agreement | subject table | unreached (silently) | references without FK proposed |'
  const rows = scores.map(
    s =>
      `| ${s.app} | ${s.tables} | ${s.personalWithData} | ${s.flagged} | ${pct(s.recall)} | ${pct(s.precision)} | ${pct(s.categoryAgreement)} | ${s.subject.right ? 'right' : `wrong (${s.subject.guessed ?? 'undecided'})`} | ${s.unreached.length} (${s.silentlyUnreached.length}) | ${s.referencesWithoutFk.found}/${s.referencesWithoutFk.expected} |`,
  )
  const sum = `| **all ${total.apps}** | ${scores.reduce((n, s) => n + s.tables, 0)} | ${total.personalWithData} | ${total.flagged} | **${pct(total.recall)}** | **${pct(total.precision)}** | **${pct(total.categoryAgreement)}** | ${total.subjectsRight}/${total.apps} right | ${total.unreached} (${total.silentlyUnreached}) | ${total.referencesWithoutFk.found}/${total.referencesWithoutFk.expected} |`
  return [header, `|${'---|'.repeat(10)}`, ...rows, sum].join('\n')
}

export function benchmarkSection(scores: AppScore[], total: OverallScore, facts: {date: string; postgres: string; seed: string}): string {
  return [
    BEGIN,
    `### scan on the corpus: ${facts.date}, PostgreSQL ${facts.postgres}, seed ${facts.seed}`,
    '',
    'Written by `npm run eval:scan`. Recall is over the labelled personal columns that hold data; precision over the',
    'columns the scan flagged; category agreement over the flagged columns that are personal. "Unreached" counts tables',
    'whose labelled references lead to the person but which the written map does not reach; "silently" those the scan',
    'did not warn about. Floors: recall ≥ 95%, precision ≥ 90%, category agreement ≥ 85%, subject right on every app,',
    'nothing silently unreached.',
    '',
    scoreTable(scores, total),
    END,
  ].join('\n')
}

/** Replaces the marked section of BENCHMARKS.md, or appends it under its own heading the first time. */
export async function writeBenchmarkSection(file: string, section: string): Promise<void> {
  const text = await readFile(file, 'utf8')
  const start = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + section + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n## Scan accuracy on the corpus\n\n${section}\n`
  await writeFile(file, next)
}
