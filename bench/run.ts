/**
 * `npm run bench [-- --scale small|medium|large] [--only NAME[,NAME…]] [--rebuild]`:
 * each scenario against its hand-written baseline, measured in the same run
 * on the same database, written to bench/results/<date>-<scale>.json and .md;
 * bench/curves.md and bench/curves.png are redrawn from the latest full run
 * at each size. One file per scenario beside this one.
 */
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {cpus, tmpdir} from 'node:os'
import {join} from 'node:path'

import {linkDocumentChildren} from '../test/support/fixture/documents-map.js'
import {findSystemPostgres, startPostgres} from '../test/support/postgres-server.js'
import {PROJECT_ROOT} from '../test/support/processes.js'
import type {BenchContext, CurvePoint, ScenarioResult} from './context.js'
import {drawCurves} from './curves.js'
import {drainIngest} from './drain-ingest.js'
import {eraseBatch} from './erase.js'
import {locateBench} from './locate.js'
import {scanWideBench} from './scan-wide.js'
import {exportHeavy, exportOne, measureTypical} from './export.js'
import {SCALES, Scale, cachedFixture} from './fixture.js'
import {retention} from './retention.js'
import {scan} from './scan.js'
import {count, createDatabase, dropRunDatabases, median, megabytes, onDatabase, once, repeat, tool} from './support.js'

const args = process.argv.slice(2)
const option = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const scale = (option('scale') ?? 'medium') as Scale
const only = option('only')
const chosen = only?.split(',')
const rebuild = args.includes('--rebuild')
if (!SCALES[scale]) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`)
const wanted = (name: string) => !chosen || chosen.includes(name)

async function main(): Promise<void> {
  const settings = SCALES[scale]
  const work = await mkdtemp(join(tmpdir(), 'privacy-bench-'))
  const found = findSystemPostgres()
  if (!found) throw new Error("npm run bench needs the machine's PostgreSQL server binaries (initdb, pg_ctl, psql, pg_dump).")
  const server = await startPostgres('system', {keepIn: join(PROJECT_ROOT, '.cache', 'bench', `postgres-${found.major}`)})
  const results: Record<string, unknown> = {}
  const table: string[][] = []
  const curve: CurvePoint[] = []
  const record = (name: string, scenario: ScenarioResult) => {
    results[name] = scenario.result
    table.push(...scenario.rows)
    curve.push(...scenario.curve)
  }
  try {
    const f = settings.fixture
    process.stderr.write(
      `${scale} data set: ${count(f.users)} people, 2 with ${count(f.heavyEventsPerSubject)} events each, 1 with ${count(f.parentHeavyDocuments)} documents…\n`,
    )
    const fixture = await cachedFixture(server, scale, f, rebuild)
    process.stderr.write(
      fixture.builtSeconds === null
        ? `reusing the cached data set (${fixture.template}; --rebuild builds it again)\n`
        : `built in ${fixture.builtSeconds.toFixed(1)} s and cached as ${fixture.template}\n`,
    )
    const baseUrl = await createDatabase(server, 'bench_base', fixture.template)
    const ledgerUrl = await createDatabase(server, 'bench_ledger')
    const size = await onDatabase(baseUrl, async client =>
      Number(
        (
          await client.query<{rows: string}>(
            `SELECT sum(reltuples)::bigint AS rows FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`,
          )
        ).rows[0]!.rows,
      ),
    )
    const map = join(work, 'privacy.yml')
    await tool(['privacy:scan', '--database-url', baseUrl, '--out', map])
    await writeFile(map, linkDocumentChildren((await readFile(map, 'utf8')).replace(/, proposed: true \}/g, ' }')))
    // Start-up: loading the export command and everything it imports, without touching a database.
    const startup = await repeat(settings.repeats, () => tool(['privacy:export', '--help']))
    results.startupSeconds = median(startup.map(s => s.seconds))
    const ctx: BenchContext = {
      scale,
      settings,
      server,
      work,
      baseUrl,
      ledgerUrl,
      map,
      clientBin: name => (server.clientBinDir ? join(server.clientBinDir, name) : name),
      startupSeconds: Number(results.startupSeconds),
      typical: once(() => measureTypical(ctx)),
    }
    table.push(['start-up', `${ctx.startupSeconds.toFixed(2)} s (\`privacy:export --help\`)`, '', '', megabytes(Math.max(...startup.map(s => s.rss ?? 0)))])
    if (wanted('export-one')) record('export-one', await exportOne(ctx))
    if (wanted('export-heavy')) record('export-heavy', await exportHeavy(ctx))
    if (wanted('scan')) record('scan', await scan(ctx, rebuild))
    let writable: {url: string; name: string} = {url: baseUrl, name: 'bench_base'}
    if (wanted('erase-batch')) {
      const erased = await eraseBatch(ctx)
      record('erase-batch', erased)
      writable = {url: erased.writableUrl, name: 'bench_write'}
    }
    if (wanted('retention')) record('retention', await retention(ctx, writable.url, writable.name))
    if (wanted('scan-wide')) {
      const wide = await scanWideBench({
        wideUrl: await createDatabase(server, 'bench_scan_wide'),
        narrowUrl: await createDatabase(server, 'bench_scan_narrow'),
        repeats: Math.min(2, settings.repeats),
        work,
      })
      results['scan-wide'] = wide.result
      table.push(wide.row)
    }
    if (wanted('drain-ingest')) {
      const storeUrl = await createDatabase(server, 'bench_logs')
      const {tool: ingest, baseline} = await drainIngest(storeUrl, settings.logLines)
      results['drain-ingest'] = {tool: ingest, nullReceiver: baseline, lost: ingest.lines - ingest.distinct, duplicated: ingest.stored - ingest.distinct}
      table.push([
        'drain-ingest',
        `${count(ingest.linesPerSecond)} lines/s stored, ack p50 ${ingest.p50Ms.toFixed(1)} ms / p99 ${ingest.p99Ms.toFixed(1)} ms`,
        `receiver that stores nothing: ${count(baseline.linesPerSecond)} lines/s, p99 ${baseline.p99Ms.toFixed(1)} ms`,
        `${((100 * ingest.linesPerSecond) / baseline.linesPerSecond).toFixed(0)}% of the null receiver; ${ingest.lines - ingest.distinct} lost, ${ingest.stored - ingest.distinct} duplicated of ${count(ingest.lines)}`,
        megabytes(ingest.peakRssBytes),
      ])
    }
    if (wanted('locate')) {
      const found = await locateBench({url: baseUrl, map, subject: 'id=10', repeats: settings.repeats, psql: ctx.clientBin('psql'), work})
      const [t, p, i, start] = [median(found.tool), median(found.psql), median(found.inProcess), Number(results.startupSeconds)]
      results.locate = {...found, ratio: p / t, beyondStartupRatio: p / (t - start), searchingRatio: p / i}
      table.push([
        'locate',
        `${t.toFixed(2)} s end to end (start-up ${start.toFixed(2)} s), ${i.toFixed(2)} s searching, for ${found.columns} columns of ${found.tables} tables (${found.rows.toLocaleString('en')} rows, ${found.identifiers} identifiers)`,
        `psql, one ILIKE query per column: ${p.toFixed(2)} s`,
        `${(p / t).toFixed(2)}× the psql script's speed end to end, ${(p / (t - start)).toFixed(2)}× beyond start-up, ${(p / i).toFixed(2)}× searching`,
        '',
      ])
    }
    const date = new Date().toISOString().slice(0, 10)
    const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '')).split(' ').slice(0, 3).join(' ')
    await mkdir(join(PROJECT_ROOT, 'bench', 'results'), {recursive: true})
    const summary = {
      date,
      scale,
      measuredAt: new Date().toISOString(),
      rows: size,
      machine: {cpus: cpus().length, node: process.version, postgres: server.majorVersion, loadAverage: load},
      results,
      curve,
    }
    // A partial run (--only) gets a file of its own rather than replacing the full run's.
    const name = `${date}-${scale}${chosen ? `-${chosen.join('+')}` : ''}`
    await writeFile(join(PROJECT_ROOT, 'bench', 'results', `${name}.json`), `${JSON.stringify(summary, null, 2)}\n`)
    const markdown = [
      `| scenario | heroku-privacy | baseline (same run) | ratio | peak RSS |`,
      '|---|---|---|---|---|',
      ...table.map(r => `| ${r.join(' | ')} |`),
    ].join('\n')
    const heading = `${scale}: ${count(size)} rows, PostgreSQL ${server.majorVersion}, Node ${process.version}, ${summary.machine.cpus} cores (load average ${load} at the end), ${date}`
    process.stdout.write(`\n${heading}\n\n${markdown}\n`)
    await writeFile(join(PROJECT_ROOT, 'bench', 'results', `${name}.md`), `### ${heading}\n\n${markdown}\n`)
    if (curve.length > 0) await drawCurves(join(PROJECT_ROOT, 'bench'))
  } finally {
    await dropRunDatabases(server).catch(() => {})
    await server.stop()
    await rm(work, {recursive: true, force: true})
  }
}

await main()
