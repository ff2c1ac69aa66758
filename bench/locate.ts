/**
 * locate: privacy:locate searching every text, JSON, array and inet column
 * of the data set for one person, against what an admin would write by hand:
 * one plain `ILIKE` query per column, over the same columns and for the same
 * values, run by psql on the same database in the same run.
 */
import {execFile} from 'node:child_process'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

import pg from 'pg'

import {introspect} from '../src/lib/db/introspect.js'
import {quoteIdent, quoteTable} from '../src/lib/db/sql.js'
import {everyTable, searchableColumns} from '../src/lib/locate/columns.js'
import {identifierOf} from '../src/lib/locate/identifiers.js'
import {preparePeople, searchEverywhere} from '../src/lib/locate/locate.js'
import {readIdentifyingValues} from '../src/lib/locate/values.js'
import {planSubjectGraph} from '../src/lib/subject/graph.js'
import {parseSubject} from '../src/lib/subject/parse.js'
import {chooseSubjectRows} from '../src/lib/subject/keyset.js'
import {resolveSubjects, useRootKeys} from '../src/lib/subject/resolve.js'
import {runCli} from '../test/support/processes.js'

const run = promisify(execFile)

export interface LocateBench {
  columns: number
  tables: number
  rows: number
  identifiers: number
  tool: number[]
  inProcess: number[]
  psql: number[]
}

const seconds = async (work: () => Promise<unknown>) => {
  const started = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - started) / 1e9
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`

/** The person's distinctive values as stored (before any normal form), for the hand-written baseline. */
async function storedValues(
  pool: pg.Pool,
  map: Awaited<ReturnType<typeof preparePeople>>['map'],
  schema: Awaited<ReturnType<typeof introspect>>,
  subject: string,
): Promise<string[]> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const subjects = await resolveSubjects(client, map, [parseSubject(subject)], schema)
    await useRootKeys(client, subjects)
    const rows = await chooseSubjectRows(client, planSubjectGraph(map, schema), schema, {mode: 'inline'})
    const read = await readIdentifyingValues(client, {map, rows, lookups: subjects.map(s => s.lookup)})
    return [...new Set(read.filter(v => identifierOf(v.value, v.category)).map(v => v.value))]
  } finally {
    await client.query('ROLLBACK')
    client.release()
  }
}

/** A psql script with one `SELECT count(*) … WHERE column ILIKE ANY (…)` per column the tool searches. */
async function ilikeScript(pool: pg.Pool, values: string[], file: string): Promise<{columns: number; tables: number}> {
  const {targets} = everyTable(await introspect(pool), await searchableColumns(pool))
  const patterns = `ARRAY[${values.map(v => literal(`%${v.replace(/[\\%_]/g, c => `\\${c}`)}%`)).join(', ')}]`
  const queries = targets.flatMap(t =>
    t.columns.map(c => `SELECT count(*) FROM ${quoteTable(t.table)} WHERE ${quoteIdent(c.name)}::text ILIKE ANY (${patterns});`),
  )
  await writeFile(file, `${queries.join('\n')}\n`)
  return {columns: queries.length, tables: targets.length}
}

export async function locateBench(input: {url: string; map: string; subject: string; repeats: number; psql: string; work: string}): Promise<LocateBench> {
  const pool = new pg.Pool({connectionString: input.url, max: 3})
  try {
    const prepared = await preparePeople(pool, input.map, [parseSubject(input.subject)])
    const script = join(input.work, 'locate-ilike.sql')
    const {columns, tables} = await ilikeScript(pool, await storedValues(pool, prepared.map, prepared.schema, input.subject), script)
    const result: LocateBench = {columns, tables, rows: 0, identifiers: prepared.people.identifiers.length, tool: [], inProcess: [], psql: []}
    for (let i = 0; i < input.repeats; i++) {
      result.psql.push(await seconds(() => run(input.psql, ['-X', '-q', '-o', '/dev/null', '-d', input.url, '-f', script])))
      result.tool.push(
        await seconds(async () => {
          const cli = await runCli(['privacy:locate', '--database-url', input.url, '--map', input.map, '--subject', input.subject, '--json'])
          // 3 says the person appears outside the map (the data set shares test card numbers between people); both are a finished search.
          if (cli.code !== 0 && cli.code !== 3) throw new Error(`privacy:locate exited ${cli.code}: ${cli.stderr.slice(-500)}`)
        }),
      )
      result.inProcess.push(
        await seconds(async () => {
          const report = await searchEverywhere({pool}, prepared.map, prepared.schema, prepared.people, {jobs: 2})
          if (report.searched.columns !== columns) throw new Error(`privacy:locate searched ${report.searched.columns} columns, the baseline ${columns}`)
          result.rows = report.searched.rows
        }),
      )
    }
    return result
  } finally {
    await pool.end()
  }
}
