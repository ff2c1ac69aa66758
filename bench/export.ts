/**
 * export-one and export-heavy: privacy:export of one person, as a user runs
 * it, against a psql script with one `\copy` per table of the tool's own
 * dataclip queries (the same joins), on the same database in the same run.
 */
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {BenchContext, ScenarioResult} from './context.js'
import {Sample, count, megabytes, median, repeat, run, spread, time, tool} from './support.js'

/** The typical person, and the one whose million documents three tables point at. */
export const TYPICAL = 'id=10'
export const PARENT_HEAVY = 'id=4'

async function copyScript(ctx: BenchContext, subject: string): Promise<string> {
  const {stdout} = await tool(['privacy:export', '--database-url', ctx.baseUrl, '--map', ctx.map, '--subject', subject, '--format', 'dataclip', '--json'])
  const queries = (JSON.parse(stdout) as {queries: Array<{table: string; sql: string}>}).queries
  const script = join(ctx.work, `copy-${subject.replace(/\W/g, '')}.sql`)
  await writeFile(
    script,
    queries.map((q, i) => `\\copy (${q.sql.replace(/;$/, '').replace(/\n/g, ' ')}) TO '${join(ctx.work, `out-${i}.csv`)}' (FORMAT csv)`).join('\n'),
  )
  return script
}

/** The search for the person outside the map is the locate scenario's; this times the export itself. */
export async function exportOnce(ctx: BenchContext, subject: string, format = 'json'): Promise<Sample> {
  const measured = await tool([
    'privacy:export',
    '--database-url',
    ctx.baseUrl,
    '--map',
    ctx.map,
    '--subject',
    subject,
    '--format',
    format,
    '--out',
    join(ctx.work, 'export.zip'),
    '--force',
    '--json',
    '--ledger-url',
    ctx.ledgerUrl,
    '--locate-seconds',
    '0',
    '--allow-plaintext',
  ])
  return {seconds: measured.seconds, rss: measured.rss, rows: (JSON.parse(measured.stdout) as {rows: number}).rows}
}

async function copyOnce(ctx: BenchContext, script: string): Promise<Sample> {
  return {seconds: (await time(() => run(ctx.clientBin('psql'), ['-X', '-q', '-d', ctx.baseUrl, '-f', script]))).seconds}
}

/** The typical person: the tool and the psql script, alternating, so both see the same load. */
export async function measureTypical(ctx: BenchContext): Promise<{tool: Sample[]; copy: Sample[]}> {
  const script = await copyScript(ctx, TYPICAL)
  const samples = {tool: [] as Sample[], copy: [] as Sample[]}
  for (let i = 0; i < ctx.settings.repeats; i++) {
    samples.tool.push(await exportOnce(ctx, TYPICAL))
    samples.copy.push(await copyOnce(ctx, script))
  }
  return samples
}

export async function exportOne(ctx: BenchContext): Promise<ScenarioResult> {
  const {tool: samples, copy} = await ctx.typical()
  const dump = await repeat(Math.min(3, ctx.settings.repeats), async () => ({
    seconds: (await time(() => run(ctx.clientBin('pg_dump'), ['-Fc', '-f', join(ctx.work, 'all.dump'), '-d', ctx.baseUrl]))).seconds,
  }))
  const t = median(samples.map(s => s.seconds))
  const b = median(copy.map(s => s.seconds))
  const d = median(dump.map(s => s.seconds))
  const beyond = t - ctx.startupSeconds
  const rss = Math.max(...samples.map(s => s.rss ?? 0))
  return {
    result: {tool: samples, psqlCopy: copy, pgDump: dump, ratioToCopy: t / b, ratioBeyondStartup: beyond / b, timesFasterThanPgDump: d / t},
    rows: [
      [
        'export-one',
        `${t.toFixed(2)} s (${spread(samples.map(s => s.seconds))}), ${beyond.toFixed(2)} s beyond start-up`,
        `psql \\copy per table ${b.toFixed(2)} s`,
        `${(t / b).toFixed(2)}× the psql script, ${(beyond / b).toFixed(2)}× beyond start-up (${ctx.startupSeconds.toFixed(2)} s); ${d >= t ? `${(d / t).toFixed(1)}× faster` : `${(t / d).toFixed(1)}× slower`} than pg_dump (${d.toFixed(2)} s)`,
        megabytes(rss),
      ],
    ],
    curve: [{series: 'export-one', seconds: t, rssBytes: rss}],
  }
}

/** The parent-heavy person in JSON (the default) and CSV, each against the same psql script, alternating. */
export async function exportHeavy(ctx: BenchContext): Promise<ScenarioResult> {
  const script = await copyScript(ctx, PARENT_HEAVY)
  const samples = {json: [] as Sample[], csv: [] as Sample[], copy: [] as Sample[]}
  for (let i = 0; i < ctx.settings.repeats; i++) {
    samples.json.push(await exportOnce(ctx, PARENT_HEAVY, 'json'))
    samples.copy.push(await copyOnce(ctx, script))
    samples.csv.push(await exportOnce(ctx, PARENT_HEAVY, 'csv'))
  }
  const lines = (
    await Promise.all(
      (await readFile(script, 'utf8')).split('\n').map((_, i) =>
        readFile(join(ctx.work, `out-${i}.csv`), 'utf8').then(
          t => t.split('\n').length - 1,
          () => 0,
        ),
      ),
    )
  ).reduce((a, b) => a + b, 0)
  const rows = samples.json[0]!.rows!
  if (rows !== lines) throw new Error(`privacy:export wrote ${rows} rows of the parent-heavy person, the psql script ${lines}`)
  const one = await ctx.typical()
  const copyTime = median(samples.copy.map(s => s.seconds))
  const copyRate = rows / copyTime
  const copyBeyond = rows / (copyTime - median(one.copy.map(s => s.seconds)))
  const rate = (list: Sample[]) => rows / median(list.map(s => s.seconds))
  const beyond = (list: Sample[]) => rows / (median(list.map(s => s.seconds)) - median(one.tool.map(s => s.seconds)))
  const rss = Math.max(...samples.json.map(s => s.rss ?? 0), ...samples.csv.map(s => s.rss ?? 0))
  const share = (r: number, b: number) => `${Math.round((100 * r) / b)}%`
  return {
    result: {
      rows,
      ...samples,
      copyRowsPerSecond: copyRate,
      jsonRowsPerSecond: rate(samples.json),
      csvRowsPerSecond: rate(samples.csv),
      jsonShare: rate(samples.json) / copyRate,
      csvShare: rate(samples.csv) / copyRate,
      jsonShareBeyondStartup: beyond(samples.json) / copyBeyond,
      csvShareBeyondStartup: beyond(samples.csv) / copyBeyond,
      peakRssBytes: rss,
      typicalPeakRssBytes: Math.max(...one.tool.map(s => s.rss ?? 0)),
    },
    rows: [
      [
        'export-heavy',
        `${count(rows)} rows (1 M documents that 3 tables point at): JSON ${count(rate(samples.json))} rows/s, CSV ${count(rate(samples.csv))} rows/s end to end`,
        `COPY ${count(copyRate)} rows/s (${copyTime.toFixed(2)} s)`,
        `JSON ${share(rate(samples.json), copyRate)} of COPY end to end (${share(beyond(samples.json), copyBeyond)} beyond a typical person's export), CSV ${share(rate(samples.csv), copyRate)} (${share(beyond(samples.csv), copyBeyond)})`,
        megabytes(rss),
      ],
    ],
    curve: [{series: 'export-heavy', seconds: median(samples.json.map(s => s.seconds)), rssBytes: Math.max(...samples.json.map(s => s.rss ?? 0))}],
  }
}
