/**
 * `npm run bench [-- --scale small|medium|large] [--only NAME]`: each scenario
 * against its hand-written baseline, measured in the same run on the same
 * database, written to bench/results/<date>.json and BENCHMARKS.md.
 */
import {execFile} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import pg from 'pg'

import {eraseSubjects, ledgerKey, migrateLedger, openDatabase, parseSubject} from '../src/index.js'
import {loadFixture} from '../test/support/fixture/generate.js'
import {drainIngest} from './drain-ingest.js'
import {locateBench} from './locate.js'
import {scanWideBench} from './scan-wide.js'
import {findSystemPostgres, PostgresServer, startPostgres} from '../test/support/postgres-server.js'
import {PROJECT_ROOT, runCli} from '../test/support/processes.js'

const run = promisify(execFile)

const SCALES = {
  small: {users: 5_000, heavy: 50_000, repeats: 3, logLines: 100_000},
  medium: {users: 50_000, heavy: 500_000, repeats: 5, logLines: 500_000},
  large: {users: 500_000, heavy: 1_000_000, repeats: 3, logLines: 2_000_000},
} as const
const NAIVE_MAX_PEOPLE = 300
const NAIVE_MAX_MS = 30_000
type Scale = keyof typeof SCALES

const args = process.argv.slice(2)
const option = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const scale = (option('scale') ?? 'medium') as Scale
const only = option('only')
const rebuild = args.includes('--rebuild')
if (!SCALES[scale]) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`)

interface Sample {
  seconds: number
  rss?: number
  rows?: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`

async function time<T>(work: () => Promise<T>): Promise<{seconds: number; value: T}> {
  const started = process.hrtime.bigint()
  const value = await work()
  return {seconds: Number(process.hrtime.bigint() - started) / 1e9, value}
}

async function tool(argv: string[]): Promise<{stdout: string; code: number | null}> {
  const result = await runCli(argv)
  if (result.code !== 0) throw new Error(`${argv[0]} exited ${result.code}: ${result.stderr.slice(-500)}`)
  return result
}

/** Runs `work` the first time it is asked for, and hands every caller that result. */
function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined
  return () => (result ??= work())
}

async function repeat(times: number, work: () => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = []
  for (let i = 0; i < times; i++) samples.push(await work())
  return samples
}

async function createDatabase(server: PostgresServer, name: string, template?: string): Promise<string> {
  const admin = new pg.Client({connectionString: server.url()})
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`)
  await admin.end()
  return server.url(name)
}

/** The copies a run made; only the cached templates stay in .cache/bench. */
async function dropRunDatabases(server: PostgresServer): Promise<void> {
  const admin = new pg.Client({connectionString: server.url()})
  await admin.connect()
  const {rows} = await admin.query<{datname: string}>(`SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'`)
  for (const {datname} of rows) await admin.query(`DROP DATABASE ${datname} WITH (FORCE)`)
  await admin.end()
}

/**
 * The data set at a size, built once and kept as a template database in a
 * cluster under .cache/bench. Its name carries a hash of the generator and the
 * size, so a changed fixture is rebuilt rather than compared with an old one;
 * it is built under a temporary name and renamed when complete, so an
 * interrupted build is never reused.
 */
async function cachedFixture(server: PostgresServer, label: string, fixture: {users: number; heavyEventsPerSubject: number}): Promise<{template: string; builtSeconds: number | null}> {
  const generator = await Promise.all(['schema.sql', 'generate.ts'].map(f => readFile(join(PROJECT_ROOT, 'test', 'support', 'fixture', f))))
  const hash = createHash('sha256').update(Buffer.concat(generator)).update(JSON.stringify(fixture)).digest('hex').slice(0, 12)
  const template = `fixture_${label}_${hash}`
  const admin = new pg.Client({connectionString: server.url()})
  await admin.connect()
  try {
    const ours = new RegExp(`^fixture_${label}_[0-9a-f]{12}(_building)?$`)
    const {rows} = await admin.query<{datname: string}>(`SELECT datname FROM pg_database`)
    const existing = rows.filter(r => ours.test(r.datname))
    for (const {datname} of existing) {
      if (datname !== template || rebuild) await admin.query(`DROP DATABASE ${datname} WITH (FORCE)`)
    }
    if (existing.some(d => d.datname === template) && !rebuild) return {template, builtSeconds: null}
    const building = `${template}_building`
    const client = new pg.Client({connectionString: await createDatabase(server, building)})
    await client.connect()
    const built = await time(async () => {
      await loadFixture(client, fixture)
      await client.query('VACUUM ANALYZE')
    })
    await client.end()
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`)
    return {template, builtSeconds: built.seconds}
  } finally {
    await admin.end()
  }
}

async function main(): Promise<void> {
  const settings = SCALES[scale]
  const work = await mkdtemp(join(tmpdir(), 'privacy-bench-'))
  const found = findSystemPostgres()
  if (!found) throw new Error('npm run bench needs the machine\'s PostgreSQL server binaries (initdb, pg_ctl, psql, pg_dump).')
  const server = await startPostgres('system', {keepIn: join(PROJECT_ROOT, '.cache', 'bench', `postgres-${found.major}`)})
  const psql = server.clientBinDir ? join(server.clientBinDir, 'psql') : 'psql'
  const results: Record<string, unknown> = {}
  const table: string[][] = []
  try {
    process.stderr.write(`${scale} data set: ${settings.users.toLocaleString('en')} people, 2 heavy subjects with ${settings.heavy.toLocaleString('en')} events each…\n`)
    const fixture = await cachedFixture(server, scale, {users: settings.users, heavyEventsPerSubject: settings.heavy})
    process.stderr.write(fixture.builtSeconds === null ? `reusing the cached data set (${fixture.template}; --rebuild builds it again)\n` : `built in ${fixture.builtSeconds.toFixed(1)} s and cached as ${fixture.template}\n`)
    const baseUrl = await createDatabase(server, 'bench_base', fixture.template)
    const ledgerUrl = await createDatabase(server, 'bench_ledger')
    const base = new pg.Client({connectionString: baseUrl})
    await base.connect()
    const {rows: [size]} = await base.query<{rows: string}>(`SELECT sum(reltuples)::bigint AS rows FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`)
    await base.end()
    const map = join(work, 'privacy.yml')
    await tool(['privacy:scan', '--database-url', baseUrl, '--out', map])
    await writeFile(map, (await readFile(map, 'utf8')).replace(/, proposed: true \}/g, ' }'))
    // Start-up: loading the export command and everything it imports, without touching a database.
    const startup = await repeat(settings.repeats, async () => ({seconds: (await time(() => tool(['privacy:export', '--help']))).seconds}))
    results.startupSeconds = median(startup.map(s => s.seconds))

    const dataclips = async (subject: string): Promise<string> => {
      const {stdout} = await tool(['privacy:export', '--database-url', baseUrl, '--map', map, '--subject', subject, '--format', 'dataclip', '--json'])
      const queries = (JSON.parse(stdout) as {queries: Array<{table: string; sql: string}>}).queries
      const script = join(work, `copy-${subject.replace(/\W/g, '')}.sql`)
      await writeFile(script, queries.map((q, i) => `\\copy (${q.sql.replace(/;$/, '').replace(/\n/g, ' ')}) TO '${join(work, `out-${i}.csv`)}' (FORMAT csv)`).join('\n'))
      return script
    }
    const exportOnce = async (subject: string): Promise<Sample> => {
      // The search for the person outside the map is the locate scenario's; this one times the export itself.
      const measured = await time(() => tool(['privacy:export', '--database-url', baseUrl, '--map', map, '--subject', subject, '--out', join(work, 'export.zip'), '--force', '--json', '--ledger-url', ledgerUrl, '--locate-seconds', '0', '--allow-plaintext']))
      const summary = JSON.parse(measured.value.stdout) as {rows: number; peakRssBytes: number}
      return {seconds: measured.seconds, rss: summary.peakRssBytes, rows: summary.rows}
    }
    const copyScript = async (script: string): Promise<Sample> => ({seconds: (await time(() => run(psql, ['-X', '-q', '-d', baseUrl, '-f', script]))).seconds})

    const typical = once(async () => {
      const script = await dataclips('id=10')
      return {tool: await repeat(settings.repeats, () => exportOnce('id=10')), copy: await repeat(settings.repeats, () => copyScript(script))}
    })
    if (!only || only === 'export-one') {
      const {tool, copy: baseline} = await typical()
      const dump = await repeat(Math.min(3, settings.repeats), async () => ({seconds: (await time(() => run(join(server.clientBinDir ?? '', 'pg_dump'), ['-Fc', '-f', join(work, 'all.dump'), '-d', baseUrl]))).seconds}))
      const t = median(tool.map(s => s.seconds))
      const b = median(baseline.map(s => s.seconds))
      const d = median(dump.map(s => s.seconds))
      results['export-one'] = {tool: tool, psqlCopy: baseline, pgDump: dump, ratioToCopy: t / b, timesFasterThanPgDump: d / t}
      table.push(['export-one', `${t.toFixed(2)} s (${spread(tool.map(s => s.seconds))})`, `psql \\copy per table ${b.toFixed(2)} s`, `${(t / b).toFixed(2)}× the psql script (start-up ${Number(results.startupSeconds).toFixed(2)} s); ${d >= t ? `${(d / t).toFixed(1)}× faster` : `${(t / d).toFixed(1)}× slower`} than pg_dump (${d.toFixed(2)} s)`, `${((tool[0]!.rss ?? 0) / 1048576).toFixed(0)} MB`])
    }
    if (!only || only === 'export-heavy') {
      const script = await dataclips('id=2')
      const tool = await repeat(settings.repeats, () => exportOnce('id=2'))
      const baseline = await repeat(settings.repeats, () => copyScript(script))
      const rows = tool[0]!.rows!
      const toolRate = rows / median(tool.map(s => s.seconds))
      const copyRate = rows / median(baseline.map(s => s.seconds))
      // Throughput once running: the time beyond exporting a typical person, on both sides.
      const one = await typical()
      const toolStreaming = rows / (median(tool.map(s => s.seconds)) - median(one.tool.map(s => s.seconds)))
      const copyStreaming = rows / (median(baseline.map(s => s.seconds)) - median(one.copy.map(s => s.seconds)))
      const peakRss = Math.max(...tool.map(s => s.rss ?? 0))
      results['export-heavy'] = {rows, tool, copy: baseline, toolRowsPerSecond: toolRate, copyRowsPerSecond: copyRate, share: toolRate / copyRate, toolStreamingRowsPerSecond: toolStreaming, copyStreamingRowsPerSecond: copyStreaming, streamingShare: toolStreaming / copyStreaming, peakRssBytes: peakRss, typicalPeakRssBytes: Math.max(...one.tool.map(s => s.rss ?? 0))}
      table.push(['export-heavy', `${Math.round(toolRate).toLocaleString('en')} rows/s end to end, ${Math.round(toolStreaming).toLocaleString('en')} rows/s beyond start-up (${rows.toLocaleString('en')} rows)`, `COPY ${Math.round(copyRate).toLocaleString('en')} rows/s, ${Math.round(copyStreaming).toLocaleString('en')} beyond start-up`, `${Math.round(100 * toolRate / copyRate)}% of COPY end to end, ${Math.round(100 * toolStreaming / copyStreaming)}% beyond start-up`, `${(peakRss / 1048576).toFixed(0)} MB`])
    }
    if (!only || only === 'erase-batch') {
      const count = Math.min(10_000, settings.users - 100)
      const people = join(work, 'people.txt')
      await writeFile(people, Array.from({length: count}, (_, i) => `id=${i + 50}`).join('\n'))
      const eraseArgs = (url: string) => ['privacy:erase', '--database-url', url, '--map', map, '--subjects-file', people, '--include-connect', '--json']
      const withIndexes = async (name: string, statements: string[]) => {
        const client = new pg.Client({connectionString: await createDatabase(server, name, 'bench_base')})
        await client.connect()
        for (const statement of statements) await client.query(statement)
        await client.query('ANALYZE')
        await client.end()
      }
      // Both sides run where every foreign key column has an index, as Rails and Django create them.
      const catalog = new pg.Client({connectionString: baseUrl})
      await catalog.connect()
      const {rows: fkIndexes} = await catalog.query<{sql: string}>(`
        SELECT format('CREATE INDEX ON %s (%s)', conrelid::regclass, (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
          FROM unnest(conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.num)) AS sql
        FROM pg_constraint WHERE contype = 'f' AND conparentid = 0`)
      await catalog.end()
      await withIndexes('bench_fk_indexed', fkIndexes.map(r => r.sql))
      // On the schema as generated (no such indexes), the dry run names the ones the erasure needs.
      const {stdout: dry} = await tool([...eraseArgs(baseUrl), '--dry-run'])
      const unindexed = (JSON.parse(dry) as {unindexed: Array<{createIndex: string}>}).unindexed
      await withIndexes('bench_recommended', unindexed.map(u => u.createIndex))
      const eraseOnce = async (template: string): Promise<Sample> => {
        const url = await createDatabase(server, 'bench_erase', template)
        return {seconds: (await time(() => tool([...eraseArgs(url), '--confirm', 'bench_erase']))).seconds}
      }
      const batch = await repeat(Math.min(3, settings.repeats), () => eraseOnce('bench_fk_indexed'))
      const asGenerated = await eraseOnce('bench_base')
      const recommended = await eraseOnce('bench_recommended')
      // The naive loop gets every advantage: in-process, no start-up, one person per transaction.
      const naive = await time(async () => {
        const url = await createDatabase(server, 'bench_erase', 'bench_fk_indexed')
        const db = await openDatabase({url, label: 'bench_erase'})
        try {
          await migrateLedger(db.pool, 'bench_erase')
          const ledger = {pool: db.pool, scope: 'bench', actor: 'bench', clock: () => new Date()}
          const key = await ledgerKey(db.pool, 'bench')
          const started = Date.now()
          let erased = 0
          while (erased < NAIVE_MAX_PEOPLE && Date.now() - started < NAIVE_MAX_MS) {
            await eraseSubjects({pool: db.pool, mapFile: map, subjects: [parseSubject(`id=${erased + 50}`)], requestId: null, dryRun: false, includeConnect: true, exceptHeld: false, lockTimeoutMs: 10_000, key, ledger, sameDatabase: true})
            erased++
          }
          return {erased, seconds: (Date.now() - started) / 1000}
        } finally {
          await db.close()
        }
      })
      const naiveRate = naive.value.erased / naive.value.seconds
      const batchRate = count / median(batch.map(s => s.seconds))
      results['erase-batch'] = {subjects: count, batch, naive: naive.value, batchSubjectsPerSecond: batchRate, naiveSubjectsPerSecond: naiveRate, ratio: batchRate / naiveRate, asGenerated, indexesRecommended: unindexed.map(u => u.createIndex), withRecommendedIndexes: recommended}
      const schemaAsGenerated = `; schema without those indexes: ${Math.round(count / asGenerated.seconds).toLocaleString('en')} people/s, ${Math.round(count / recommended.seconds).toLocaleString('en')} with the ${unindexed.length} its dry run asks for`
      table.push(['erase-batch', `${Math.round(batchRate).toLocaleString('en')} people/s (${count.toLocaleString('en')} in one run, foreign keys indexed)${schemaAsGenerated}`, `one person per transaction, in-process, same indexes: ${naiveRate.toFixed(1)} people/s`, `${Math.round(batchRate / naiveRate)}× faster`, ''])
    }
    if (!only || only === 'scan') {
      const tenthFixture = await cachedFixture(server, `${scale}_tenth`, {users: Math.max(500, Math.floor(settings.users / 10)), heavyEventsPerSubject: Math.floor(settings.heavy / 10)})
      const smallUrl = await createDatabase(server, 'bench_scan_small', tenthFixture.template)
      const scanTime = (url: string) => repeat(settings.repeats, async () => ({seconds: (await time(() => tool(['privacy:scan', '--database-url', url, '--out', join(work, 'scan.yml')]))).seconds}))
      const tenth = await scanTime(smallUrl)
      const full = await scanTime(baseUrl)
      const ratio = median(full.map(s => s.seconds)) / median(tenth.map(s => s.seconds))
      results.scan = {tenthOfData: tenth, fullData: full, ratio}
      table.push(['scan', `${median(full.map(s => s.seconds)).toFixed(2)} s`, `same scan on a tenth of the data: ${median(tenth.map(s => s.seconds)).toFixed(2)} s`, `${ratio.toFixed(2)}× the time for 10× the data`, ''])
    }
    if (!only || only === 'scan-wide') {
      const wide = await scanWideBench({wideUrl: await createDatabase(server, 'bench_scan_wide'), narrowUrl: await createDatabase(server, 'bench_scan_narrow'), repeats: Math.min(2, settings.repeats), work})
      results['scan-wide'] = wide.result
      table.push(wide.row)
    }
    if (!only || only === 'drain-ingest') {
      const storeUrl = await createDatabase(server, 'bench_logs')
      const {tool: ingest, baseline} = await drainIngest(storeUrl, settings.logLines)
      results['drain-ingest'] = {tool: ingest, nullReceiver: baseline, lost: ingest.lines - ingest.distinct, duplicated: ingest.stored - ingest.distinct}
      table.push(['drain-ingest', `${Math.round(ingest.linesPerSecond).toLocaleString('en')} lines/s stored, ack p50 ${ingest.p50Ms.toFixed(1)} ms / p99 ${ingest.p99Ms.toFixed(1)} ms`,
        `receiver that stores nothing: ${Math.round(baseline.linesPerSecond).toLocaleString('en')} lines/s, p99 ${baseline.p99Ms.toFixed(1)} ms`,
        `${(100 * ingest.linesPerSecond / baseline.linesPerSecond).toFixed(0)}% of the null receiver; ${ingest.lines - ingest.distinct} lost, ${ingest.stored - ingest.distinct} duplicated of ${ingest.lines.toLocaleString('en')}`,
        `${(ingest.peakRssBytes / 1048576).toFixed(0)} MB`])
    }
    if (!only || only === 'locate') {
      const found = await locateBench({url: baseUrl, map, subject: 'id=10', repeats: settings.repeats, psql, work})
      const [t, p, i, start] = [median(found.tool), median(found.psql), median(found.inProcess), Number(results.startupSeconds)]
      results.locate = {...found, ratio: p / t, beyondStartupRatio: p / (t - start), searchingRatio: p / i}
      table.push(['locate', `${t.toFixed(2)} s end to end (start-up ${start.toFixed(2)} s), ${i.toFixed(2)} s searching, for ${found.columns} columns of ${found.tables} tables (${found.rows.toLocaleString('en')} rows, ${found.identifiers} identifiers)`,
        `psql, one ILIKE query per column: ${p.toFixed(2)} s`, `${(p / t).toFixed(2)}× the psql script's speed end to end, ${(p / (t - start)).toFixed(2)}× beyond start-up, ${(p / i).toFixed(2)}× searching`, ''])
    }
    const date = new Date().toISOString().slice(0, 10)
    await mkdir(join(PROJECT_ROOT, 'bench', 'results'), {recursive: true})
    const record = {date, scale, rows: Number(size!.rows), machine: {cpus: (await import('node:os')).cpus().length, node: process.version, postgres: server.majorVersion}, results}
    // A partial run (--only) gets a file of its own rather than replacing the full run's.
    const name = `${date}-${scale}${only ? `-${only}` : ''}`
    await writeFile(join(PROJECT_ROOT, 'bench', 'results', `${name}.json`), `${JSON.stringify(record, null, 2)}\n`)
    const markdown = [`| scenario | heroku-privacy | baseline (same run) | ratio | peak RSS |`, '|---|---|---|---|---|', ...table.map(r => `| ${r.join(' | ')} |`)].join('\n')
    const heading = `${scale}: ${Number(size!.rows).toLocaleString('en')} rows, PostgreSQL ${server.majorVersion}, Node ${process.version}, ${record.machine.cpus} cores, ${date}`
    process.stdout.write(`\n${heading}\n\n${markdown}\n`)
    await writeFile(join(PROJECT_ROOT, 'bench', 'results', `${name}.md`), `### ${heading}\n\n${markdown}\n`)
  } finally {
    await dropRunDatabases(server).catch(() => {})
    await server.stop()
    await rm(work, {recursive: true, force: true})
  }
}

await main()
