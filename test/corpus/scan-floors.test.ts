import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'

import {testPostgres} from '../support/global-hooks.js'
import {CorpusApp, evaluateCorpus, loadCorpus} from './tools/run-app.js'
import {AppScore, OverallScore, overall} from './tools/score.js'

const CORPUS = dirname(fileURLToPath(import.meta.url))

/** The floors `privacy:scan` must hold on the whole corpus of real applications' schemas. */
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

  it('finds at least 95% of the personal columns that hold data', () => {
    expect(total.recall, scores.map(s => `${s.app} ${s.recall.toFixed(3)}`).join(', ')).to.be.at.least(0.95)
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

  it('leaves no table with personal data unreached without saying so', () => {
    expect(scores.flatMap(s => s.silentlyUnreached.map(t => `${s.app}: ${t}`))).to.deep.equal([])
  })
})
