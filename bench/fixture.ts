/** The bench's data sets: the deterministic fixture at each size, built once and kept as a template database. */
import {createHash} from 'node:crypto'
import {readFile, readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {FixtureOptions, loadFixture} from '../test/support/fixture/generate.js'
import type {PostgresServer} from '../test/support/postgres-server.js'
import {PROJECT_ROOT} from '../test/support/processes.js'
import {createDatabase, onDatabase, time} from './support.js'

export interface ScaleSettings {
  fixture: Required<FixtureOptions>
  repeats: number
  logLines: number
  /** People per erase-batch case; cases larger than the data set allows are left out. */
  eraseBatches: number[]
}

export const SCALES = {
  small: {fixture: {users: 5_000, heavyEventsPerSubject: 50_000, parentHeavyDocuments: 100_000}, repeats: 3, logLines: 100_000, eraseBatches: [1_000]},
  medium: {
    fixture: {users: 50_000, heavyEventsPerSubject: 500_000, parentHeavyDocuments: 1_000_000},
    repeats: 5,
    logLines: 500_000,
    eraseBatches: [1_000, 10_000],
  },
  large: {
    fixture: {users: 1_000_000, heavyEventsPerSubject: 1_000_000, parentHeavyDocuments: 1_000_000},
    repeats: 3,
    logLines: 2_000_000,
    eraseBatches: [1_000, 10_000, 100_000],
  },
} as const satisfies Record<string, ScaleSettings>

export type Scale = keyof typeof SCALES

const FIXTURE_DIR = join(PROJECT_ROOT, 'test', 'support', 'fixture')

/**
 * The data set at a size, built once and kept as a template database in the
 * bench's cluster. Its name carries a hash of the generator and the options,
 * so a changed fixture is rebuilt rather than compared with an old one; it is
 * built under a temporary name and renamed when complete, so an interrupted
 * build is never reused.
 */
export async function cachedFixture(
  server: PostgresServer,
  label: string,
  fixture: FixtureOptions,
  rebuild: boolean,
): Promise<{template: string; builtSeconds: number | null}> {
  const files = (await readdir(FIXTURE_DIR)).filter(f => /\.(sql|ts)$/.test(f)).sort()
  const generator = await Promise.all(files.map(f => readFile(join(FIXTURE_DIR, f))))
  const hash = createHash('sha256').update(Buffer.concat(generator)).update(JSON.stringify(fixture)).digest('hex').slice(0, 12)
  const template = `fixture_${label}_${hash}`
  return onDatabase(server.url(), async admin => {
    const ours = new RegExp(`^fixture_${label}_[0-9a-f]{12}(_building)?$`)
    const {rows} = await admin.query<{datname: string}>(`SELECT datname FROM pg_database`)
    const existing = rows.filter(r => ours.test(r.datname))
    for (const {datname} of existing) {
      if (datname !== template || rebuild) await admin.query(`DROP DATABASE ${datname} WITH (FORCE)`)
    }
    if (existing.some(d => d.datname === template) && !rebuild) return {template, builtSeconds: null}
    const building = `${template}_building`
    const url = await createDatabase(server, building)
    const built = await time(() =>
      onDatabase(url, async client => {
        await loadFixture(client, fixture)
        await client.query('VACUUM ANALYZE')
      }),
    )
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`)
    return {template, builtSeconds: built.seconds}
  })
}
