/**
 * `npm run fuzz -- --seeds N [--from S] [--seed S] [--jobs J] [--shrink [--kind K]] [--save] [--verbose]`
 *
 * Runs generated cases against a PostgreSQL of its own and prints a line per
 * seed, the failures in full, and a tally. --shrink reduces each failing case
 * to a smallest one that fails the same way (the first failure, or the first
 * of kind K); --save keeps the shrunk cases
 * under test/fuzz/regressions/. Exits 1 when a case fails.
 */
import {parseArgs} from 'node:util'

import {startPostgres} from '../support/postgres-server.js'
import {generateCase} from './generate/index.js'
import {saveRegression} from './regressions.js'
import {describeVerdict, summaryLine} from './report.js'
import {closeFuzzEnv, openFuzzEnv} from './run-case.js'
import {isHarnessError, runCases} from './runner.js'
import {shrinkCase} from './shrink.js'

const {values} = parseArgs({
  options: {
    seeds: {type: 'string', default: '200'},
    from: {type: 'string', default: '1'},
    seed: {type: 'string', multiple: true},
    jobs: {type: 'string', default: '2'},
    shrink: {type: 'boolean', default: false},
    save: {type: 'boolean', default: false},
    verbose: {type: 'boolean', default: false},
    kind: {type: 'string'},
  },
})

const seeds = values.seed && values.seed.length > 0 ? values.seed.map(Number) : Array.from({length: Number(values.seeds)}, (_, i) => Number(values.from) + i)
const single = seeds.length === 1
const server = await startPostgres()
const env = await openFuzzEnv(server.url, Math.max(1, Math.min(Number(values.jobs), seeds.length)))
const started = Date.now()
const tally: Record<string, number> = {}
const findings: Record<string, number> = {}
const refusals: Record<string, number> = {}
const failing: number[] = []
try {
  const results = await runCases(env, seeds, result => {
    if (isHarnessError(result)) {
      tally['harness error'] = (tally['harness error'] ?? 0) + 1
      process.stdout.write(`seed ${result.seed}: HARNESS ERROR ${result.error.stack}\n`)
      return
    }
    tally[result.status] = (tally[result.status] ?? 0) + 1
    for (const f of result.failures) findings[f.kind] = (findings[f.kind] ?? 0) + 1
    for (const outcome of [result.scan, ...result.steps.map(s => s.outcome)]) {
      if (outcome?.status === 'refused') refusals[outcome.error!.code!] = (refusals[outcome.error!.code!] ?? 0) + 1
    }
    if (result.status === 'fail') failing.push(result.seed)
    const full = values.verbose || single
    process.stdout.write(`${result.status === 'fail' || full ? describeVerdict(generateCase(result.seed), result, {full}) : summaryLine(result)}\n`)
  })
  process.stdout.write(
    `\n${seeds.length} seed(s) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(tally)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}\n`,
  )
  if (Object.keys(refusals).length > 0)
    process.stdout.write(
      `refusals: ${Object.entries(refusals)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}\n`,
    )
  if (failing.length > 0)
    process.stdout.write(
      `findings: ${Object.entries(findings)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}\nfailing seeds: ${failing.join(' ')}\n`,
    )
  if (values.shrink) {
    for (const result of results) {
      if (isHarnessError(result) || result.status !== 'fail') continue
      const shrunk = await shrinkCase(env, generateCase(result.seed), result, {kind: values.kind, log: message => process.stderr.write(`${message}\n`)})
      process.stdout.write(
        `\nshrunk seed ${result.seed} (${shrunk.runs} runs):\n${describeVerdict(shrunk.fuzzCase, shrunk.verdict, {full: true, shrunk: true})}\n`,
      )
      if (values.save) process.stdout.write(`saved ${await saveRegression(shrunk.fuzzCase, shrunk.verdict)}\n`)
    }
  }
  process.exitCode = failing.length > 0 || tally['harness error'] ? 1 : 0
} finally {
  await closeFuzzEnv(env)
  await server.stop()
}
