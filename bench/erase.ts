/**
 * erase-batch: people erased by one `privacy:erase --subjects-file` run, at
 * several batch sizes and for the parent-heavy person, against a loop
 * erasing one person per transaction through the same library call
 * in-process; on one copy where every foreign key column has an index, as
 * Rails and Django create them. On the schema as generated the tool either
 * refuses before any write (the unindexed keys would make Postgres read too
 * much) or runs; with the one index its dry run asks for, it runs.
 */
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {eraseSubjects, ledgerKey, migrateLedger, openDatabase, parseSubject} from '../src/index.js'
import {runProcess, BIN} from '../test/support/processes.js'
import type {BenchContext, CurvePoint, ScenarioResult} from './context.js'
import {PARENT_HEAVY} from './export.js'
import {count, createDatabase, megabytes, onDatabase, time, tool} from './support.js'

const NAIVE_MAX_PEOPLE = 300
const NAIVE_MAX_MS = 30_000
/** Ids below this are people other scenarios look at. */
const FIRST_ID = 50

async function peopleFile(ctx: BenchContext, name: string, first: number, n: number): Promise<string> {
  const file = join(ctx.work, `${name}.txt`)
  await writeFile(file, Array.from({length: n}, (_, i) => `id=${first + i}`).join('\n'))
  return file
}

const eraseArgs = (ctx: BenchContext, url: string, people: string[]) => [
  'privacy:erase',
  '--database-url',
  url,
  '--map',
  ctx.map,
  ...people,
  '--include-connect',
  '--json',
]

/** A copy of the data set with the statements run on it, analysed. */
export async function preparedCopy(ctx: BenchContext, name: string, statements: string[]): Promise<string> {
  const url = await createDatabase(ctx.server, name, 'bench_base')
  await onDatabase(url, async client => {
    for (const statement of statements) await client.query(statement)
    await client.query('ANALYZE')
  })
  return url
}

export async function eraseBatch(ctx: BenchContext): Promise<ScenarioResult & {writableUrl: string}> {
  const fkIndexes = await onDatabase(ctx.baseUrl, async client =>
    (
      await client.query<{sql: string}>(`
    SELECT format('CREATE INDEX ON %s (%s)', conrelid::regclass, (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
      FROM unnest(conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.num)) AS sql
    FROM pg_constraint WHERE contype = 'f' AND conparentid = 0`)
    ).rows.map(r => r.sql),
  )
  const url = await preparedCopy(ctx, 'bench_write', fkIndexes)
  const cases: Array<{people: number; seconds: number; rss: number; residueMs: number; transactionMs: number}> = []
  let next = FIRST_ID
  for (const n of ctx.settings.eraseBatches) {
    const file = await peopleFile(ctx, `erase-${n}`, next, n)
    next += n
    const run = await tool([...eraseArgs(ctx, url, ['--subjects-file', file]), '--confirm', 'bench_write'])
    // The erasure reports how long its transaction took and how much of it the residue check was.
    const timings = (JSON.parse(run.stdout) as {timings?: {totalMs: number; residueMs: number}}).timings ?? {totalMs: 0, residueMs: 0}
    cases.push({people: n, seconds: run.seconds, rss: run.rss ?? 0, residueMs: timings.residueMs, transactionMs: timings.totalMs})
  }
  const heavy = await tool([...eraseArgs(ctx, url, ['--subject', PARENT_HEAVY]), '--confirm', 'bench_write'])
  const heavyRows = Object.values((JSON.parse(heavy.stdout) as {touched?: Record<string, number>}).touched ?? {}).reduce((a, b) => a + b, 0)
  // The naive loop gets every advantage: in-process, no start-up, one person per transaction.
  const naive = await time(async () => {
    const db = await openDatabase({url, label: 'bench_write'})
    try {
      await migrateLedger(db.pool, 'bench_write')
      const ledger = {pool: db.pool, scope: 'bench', actor: 'bench', clock: () => new Date()}
      const key = await ledgerKey(db.pool, 'bench')
      const started = Date.now()
      let erased = 0
      while (erased < NAIVE_MAX_PEOPLE && Date.now() - started < NAIVE_MAX_MS) {
        await eraseSubjects({
          pool: db.pool,
          mapFile: ctx.map,
          subjects: [parseSubject(`id=${next + erased}`)],
          requestId: null,
          dryRun: false,
          includeConnect: true,
          exceptHeld: false,
          lockTimeoutMs: 10_000,
          key,
          ledger,
          sameDatabase: true,
        })
        erased++
      }
      return {erased, seconds: (Date.now() - started) / 1000}
    } finally {
      await db.close()
    }
  })
  next += naive.value.erased
  const naiveRate = naive.value.erased / naive.value.seconds
  // On the schema as generated: the dry run names the indexes the erasure needs; the real run either refuses (exit 4) or runs.
  const generatedFile = await peopleFile(ctx, 'erase-generated', next, Math.min(1_000, ctx.settings.eraseBatches.at(-1)!))
  next += 1_000
  const {stdout: dry} = await tool([...eraseArgs(ctx, ctx.baseUrl, ['--subjects-file', generatedFile]), '--dry-run'])
  const unindexed = (JSON.parse(dry) as {unindexed?: Array<{createIndex: string}>}).unindexed ?? []
  const recommendedUrl = await preparedCopy(
    ctx,
    'bench_recommended',
    unindexed.map(u => u.createIndex.replace(' CONCURRENTLY', '')),
  )
  const generated = await time(() =>
    runProcess(process.execPath, [BIN, ...eraseArgs(ctx, ctx.baseUrl, ['--subjects-file', generatedFile]), '--confirm', 'bench_base']),
  )
  if (generated.value.code !== 0 && generated.value.code !== 4)
    throw new Error(`privacy:erase exited ${generated.value.code}: ${generated.value.stdout.slice(-500)}${generated.value.stderr.slice(-500)}`)
  const refused = generated.value.code === 4
  const recommended = await tool([...eraseArgs(ctx, recommendedUrl, ['--subjects-file', generatedFile]), '--confirm', 'bench_recommended'])
  // The parent-heavy person on the schema as generated: deleting every document checks three unindexed references per row.
  const heavyRefusal = await tool([...eraseArgs(ctx, ctx.baseUrl, ['--subject', PARENT_HEAVY]), '--confirm', 'bench_base'], {expect: 4})
  const generatedPeople = Math.min(1_000, ctx.settings.eraseBatches.at(-1)!)
  const largest = cases.at(-1)!
  const curve: CurvePoint[] = [
    ...cases.map(c => ({series: `erase-batch ${count(c.people)}`, seconds: c.seconds, rssBytes: c.rss})),
    {series: 'erase-heavy', seconds: heavy.seconds, rssBytes: heavy.rss ?? 0},
  ]
  return {
    writableUrl: url,
    result: {
      cases,
      parentHeavy: {seconds: heavy.seconds, rss: heavy.rss, rows: heavyRows},
      naive: naive.value,
      naiveSubjectsPerSecond: naiveRate,
      ratio: largest.people / largest.seconds / naiveRate,
      asGenerated: {people: generatedPeople, refused, seconds: generated.seconds, exitCode: generated.value.code},
      parentHeavyRefused: {seconds: heavyRefusal.seconds, exitCode: heavyRefusal.code},
      indexesRecommended: unindexed.map(u => u.createIndex),
      withRecommendedIndexes: {people: generatedPeople, seconds: recommended.seconds},
    },
    rows: [
      ...cases.map(c => [
        `erase-batch ${count(c.people)}`,
        `${count(c.people / c.seconds)} people/s (${count(c.people)} in one run, ${c.seconds.toFixed(1)} s, foreign keys indexed)`,
        `one person per transaction, in-process, same indexes: ${naiveRate.toFixed(1)} people/s`,
        `${Math.round(c.people / c.seconds / naiveRate)}× faster`,
        megabytes(c.rss),
      ]),
      ...cases.map(c => [
        `residue-check, erase-batch ${count(c.people)}`,
        `${(c.residueMs / 1000).toFixed(2)} s collecting identifiers and searching for them`,
        `the erasure it guards: ${(c.transactionMs / 1000).toFixed(2)} s in its transaction`,
        `${((100 * c.residueMs) / c.transactionMs).toFixed(0)}% of the erasure`,
        '',
      ]),
      ['erase-heavy', `the parent-heavy person (${count(heavyRows)} rows) in ${heavy.seconds.toFixed(1)} s`, '', '', megabytes(heavy.rss ?? 0)],
      [
        'erase, schema as generated',
        refused
          ? `${count(generatedPeople)} people: refused before any write (exit 4) in ${generated.seconds.toFixed(1)} s, naming ${unindexed.length} index${unindexed.length === 1 ? '' : 'es'}`
          : `${count(generatedPeople / generated.seconds)} people/s`,
        `with the ${unindexed.length} index${unindexed.length === 1 ? '' : 'es'} its dry run asks for: ${count(generatedPeople / recommended.seconds)} people/s`,
        '',
        '',
      ],
      [
        'erase-heavy, schema as generated',
        `refused before any write (exit 4) in ${heavyRefusal.seconds.toFixed(1)} s, with the CREATE INDEX lines that fix it`,
        'without the refusal: Postgres checks each of its deleted documents against three unindexed references',
        '',
        megabytes(heavyRefusal.rss ?? 0),
      ],
    ],
    curve,
  }
}
