/** What the scenarios of one bench run share. */
import type {PostgresServer} from '../test/support/postgres-server.js'
import type {Scale, ScaleSettings} from './fixture.js'
import type {Sample} from './support.js'

export interface BenchContext {
  scale: Scale
  settings: ScaleSettings
  server: PostgresServer
  /** psql and pg_dump of the server's major version. */
  clientBin(name: string): string
  work: string
  /** The data set, copied for this run; scenarios that only read use it. */
  baseUrl: string
  ledgerUrl: string
  /** The reviewed map of the data set. */
  map: string
  startupSeconds: number
  /** The typical person's export and its psql script, measured once and shared. */
  typical(): Promise<{tool: Sample[]; copy: Sample[]}>
}

/** How one scenario's time and peak memory sit at this size, for bench/curves. */
export interface CurvePoint {
  series: string
  seconds: number
  rssBytes: number
}

export interface ScenarioResult {
  result: unknown
  /** Rows of the results table: scenario, heroku-privacy, baseline, ratio, peak RSS. */
  rows: string[][]
  curve: CurvePoint[]
}
