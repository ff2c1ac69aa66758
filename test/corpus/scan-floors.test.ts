import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'

import {testPostgres} from '../support/global-hooks.js'
import {CorpusApp, evaluateCorpus, loadCorpus} from './tools/run-app.js'
import {AppScore, OverallScore, overall} from './tools/score.js'

const CORPUS = dirname(fileURLToPath(import.meta.url))

/**
 * What `privacy:scan` holds on the whole corpus of real applications' schemas, so that a change that loses ground
 * fails. The goals are recall 0.95 and no table left unreached without a word; until the scan reaches them, recall's
 * floor is what it measures today and the two tables it cannot yet reach are named with the reason (BENCHMARKS.md has
 * the per-application table).
 */
const RECALL_FLOOR = 0.91
const KNOWN_SILENTLY_UNREACHED = [
  // Reached only through a polymorphic pair (customized_type, customized_id), which the map cannot express yet.
  'redmine: public.custom_values',
  // Reached through a column (main_id) whose name says nothing of the person; no reference by value is proposed for it.
  'ieducar: public.log_unifications',
]

describe('privacy:scan on the corpus of real schemas', function () {
  this.timeout(600_000)
  let apps: CorpusApp[]
  let scores: AppScore[]
  let total: OverallScore

  before(async () => {
    apps = await loadCorpus(CORPUS)
    scores = await evaluateCorpus(db => testPostgres().url(db), apps)
    total = overall(scores)
  })

  it('has applications to measure', () => {
    expect(apps.length).to.be.greaterThan(0)
  })

  it(`finds at least ${RECALL_FLOOR * 100}% of the personal columns that hold data (the goal is 95%)`, () => {
    expect(total.recall, scores.map(s => `${s.app} ${s.recall.toFixed(3)}`).join(', ')).to.be.at.least(RECALL_FLOOR)
  })

  it('is right about at least 90% of the columns it flags', () => {
    expect(total.precision, scores.map(s => `${s.app} ${s.precision.toFixed(3)}`).join(', ')).to.be.at.least(0.9)
  })

  it('agrees with the labels on the category of at least 85% of the personal columns it flags', () => {
    expect(total.categoryAgreement, scores.map(s => `${s.app} ${s.categoryAgreement.toFixed(3)}`).join(', ')).to.be.at.least(0.85)
  })

  it('picks the table of people on every application', () => {
    expect(scores.filter(s => !s.subject.right).map(s => `${s.app}: ${s.subject.guessed ?? 'undecided'} instead of ${s.subject.expected}`)).to.deep.equal([])
  })

  it('leaves no table with personal data unreached without saying so, beyond the two it cannot reach yet', () => {
    const silent = scores.flatMap(s => s.silentlyUnreached.map(t => `${s.app}: ${t}`))
    expect(silent.filter(t => !KNOWN_SILENTLY_UNREACHED.includes(t))).to.deep.equal([])
  })
})
