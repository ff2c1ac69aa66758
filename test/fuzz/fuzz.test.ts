import {expect} from 'chai'

import {testPostgres} from '../support/global-hooks.js'
import {generateCase} from './generate/index.js'
import {loadRegressions} from './regressions.js'
import {describeVerdict, summaryLine} from './report.js'
import {CaseVerdict, FuzzEnv, closeFuzzEnv, openFuzzEnv, runCase} from './run-case.js'
import {isHarnessError, runCases} from './runner.js'
import {shrinkCase} from './shrink.js'

const SEEDS = Array.from({length: 200}, (_, i) => i + 1)
const regressions = loadRegressions()

describe('erasure fuzz: generated schemas checked by an independent oracle', function () {
  this.timeout(300_000)
  let env: FuzzEnv

  before(async () => {
    env = await openFuzzEnv(testPostgres().url, 2)
  })

  after(async () => {
    await closeFuzzEnv(env)
  })

  it(`${SEEDS.length} seeds: each erasure removes what the map claims, leaves everyone else byte-identical and the ledger intact, or refuses without changing anything`, async () => {
    const results = await runCases(env, SEEDS)
    const broken = results.filter(isHarnessError)
    expect(
      broken.map(b => `seed ${b.seed}: ${b.error.message}`),
      'cases the generator could not build',
    ).to.deep.equal([])
    const failing = results.filter((r): r is CaseVerdict => !isHarnessError(r) && r.status === 'fail')
    if (failing.length > 0) expect.fail(await explain(env, failing))
  })

  describe('regression examples (shrunk cases that once failed)', () => {
    for (const {file, regression} of regressions) {
      it(`${file}: ${regression.defect ?? regression.found.slice(0, 120)}`, async () => {
        const verdict = await runCase(env, env.slots[0]!, regression.fuzzCase)
        expect(verdict.status, describeVerdict(regression.fuzzCase, verdict, {full: true})).to.not.equal('fail')
      })
    }
  })
})

/** Every failing seed in a line or two, the first three with their schema, and the first one shrunk. */
async function explain(env: FuzzEnv, failing: CaseVerdict[]): Promise<string> {
  const lines = [`${failing.length} seed(s) failed; replay one with: npm run fuzz -- --seed N (add --shrink --save to keep it as a regression example)`]
  for (const verdict of failing)
    lines.push(summaryLine(verdict), ...verdict.failures.slice(0, 2).map(f => `    ${f.kind} ${f.table ?? ''}${f.column ? `.${f.column}` : ''}`))
  for (const verdict of failing.slice(0, 3)) lines.push('', describeVerdict(generateCase(verdict.seed), verdict, {schemaOnly: true}))
  const first = failing[0]!
  const shrunk = await shrinkCase(env, generateCase(first.seed), first, {runs: 150, ms: 30_000})
  lines.push('', `seed ${first.seed} shrunk in ${shrunk.runs} runs:`, describeVerdict(shrunk.fuzzCase, shrunk.verdict, {full: true, shrunk: true}))
  return lines.join('\n')
}
