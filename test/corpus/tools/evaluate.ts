/**
 * `npm run eval:scan [-- --app NAME ...] [--details] [--json] [--no-write]`:
 * scores `privacy:scan` on every corpus application (test/corpus/<app>/),
 * prints the table and writes it into BENCHMARKS.md.
 */
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {startPostgres} from '../../support/postgres-server.js'
import {benchmarkSection, scoreTable, writeBenchmarkSection} from './report.js'
import {CORPUS_SEED, evaluateCorpus, loadCorpus} from './run-app.js'
import {AppScore, overall} from './score.js'

const {values: args} = parseArgs({
  options: {
    app: {type: 'string', multiple: true},
    details: {type: 'boolean'},
    json: {type: 'boolean'},
    'no-write': {type: 'boolean'},
  },
})
const here = dirname(fileURLToPath(import.meta.url))
const corpusDir = join(here, '..')
const apps = await loadCorpus(corpusDir, args.app)
if (apps.length === 0) throw new Error('no corpus application found')

const server = await startPostgres()
let scores: AppScore[] = []
try {
  scores = await evaluateCorpus(db => server.url(db), apps, {onDone: (name, ms) => process.stderr.write(`${name}: ${(ms / 1000).toFixed(1)} s\n`)})
} finally {
  await server.stop()
}
const total = overall(scores)
if (args.json) {
  process.stdout.write(`${JSON.stringify({apps: scores, overall: total}, null, 2)}\n`)
} else {
  process.stdout.write(`${scoreTable(scores, total)}\n`)
  if (args.details) for (const s of scores) process.stdout.write(details(s))
}
if (!args['no-write'] && !args.app) {
  const section = benchmarkSection(scores, total, {date: new Date().toISOString().slice(0, 10), postgres: String(server.majorVersion), seed: CORPUS_SEED})
  await writeBenchmarkSection(join(corpusDir, '..', '..', 'BENCHMARKS.md'), section)
  process.stderr.write('BENCHMARKS.md updated\n')
}

function details(s: AppScore): string {
  const lines = [`\n## ${s.app}`]
  if (s.misses.length > 0) lines.push(`missed (${s.misses.length}):`, ...s.misses.map(m => `  ${m.column} [${m.category}]`))
  if (s.falseFlags.length > 0) lines.push(`flagged, not personal (${s.falseFlags.length}):`, ...s.falseFlags.map(f => `  ${f.column} [${f.category}]`))
  if (s.disagreements.length > 0)
    lines.push(`category (${s.disagreements.length}):`, ...s.disagreements.map(d => `  ${d.column} labelled ${d.labelled}, scanned ${d.scanned}`))
  if (s.unreached.length > 0) lines.push(`unreached: ${s.unreached.join(', ')}`, `  silently: ${s.silentlyUnreached.join(', ') || 'none'}`)
  if (s.referencesWithoutFk.missing.length > 0) lines.push('references without FK not proposed:', ...s.referencesWithoutFk.missing.map(m => `  ${m}`))
  if (!s.subject.right) lines.push(`subject: expected ${s.subject.expected}, scan picked ${s.subject.guessed ?? 'none'}`)
  return `${lines.join('\n')}\n`
}
