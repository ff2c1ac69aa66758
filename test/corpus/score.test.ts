import {expect} from 'chai'

import type {DataMap} from '../../src/lib/datamap/schema.js'
import {overall, scoreApp} from './tools/score.js'
import type {CorpusLabels} from './tools/types.js'

const LABELS: CorpusLabels = {
  subjects: [{table: 'public.users', key: 'id', lookup: ['email']}],
  personal: {
    'public.users.email': {category: 'contact'},
    'public.users.name': {category: 'identity'},
    'public.users.otp_secret': {category: 'credentials'},
    'public.users.unused_phone': {category: 'contact'},
    'public.notes.body': {category: 'free_text'},
    'public.audits.actor_email': {category: 'contact'},
    'public.logins.ip': {category: 'online_id'},
  },
  reaches: {
    'public.notes': [{column: 'user_id', to: 'public.users.id', fk: true}],
    'public.audits': [{column: 'actor_email', to: 'public.users.email', fk: false}],
    'public.logins': [{column: 'user_id', to: 'public.users.id', fk: false}],
  },
  hardCalls: ['-'],
}

const MAP: DataMap = {
  version: 1,
  subject: {table: 'public.users', key: 'id', lookup: ['id']},
  tables: {
    'public.notes': {via: {column: 'user_id', to: 'public.users.id'}},
    'public.audits': {via: {column: 'actor_email', to: 'public.users.email', proposed: true}},
  },
}

describe('corpus scoring', () => {
  const score = scoreApp({
    app: 'tiny',
    tables: 4,
    columns: 12,
    tableKeys: new Set(['public.users', 'public.notes', 'public.audits', 'public.logins']),
    labels: LABELS,
    filled: new Set([
      'public.users.email',
      'public.users.name',
      'public.users.otp_secret',
      'public.notes.body',
      'public.audits.actor_email',
      'public.logins.ip',
      'public.logins.user_id',
    ]),
    outcome: {
      guessedSubject: 'public.users',
      flagged: new Map([
        ['public.users.email', 'contact'],
        ['public.users.name', 'identity'],
        ['public.notes.body', 'contact'],
        ['public.audits.actor_email', 'contact'],
        ['public.tags.name', 'identity'],
      ]),
      map: MAP,
      reportedUnreachable: [],
    },
  })

  it('counts recall over the personal columns that hold data and precision over what was flagged', () => {
    expect(score.personalWithData).to.equal(6)
    expect(score.recall).to.equal(4 / 6)
    expect(score.precision).to.equal(4 / 5)
    expect(score.misses.map(m => m.column)).to.deep.equal(['public.users.otp_secret', 'public.logins.ip'])
    expect(score.falseFlags.map(f => f.column)).to.deep.equal(['public.tags.name'])
  })

  it('measures category agreement on the flagged personal columns only', () => {
    expect(score.categoryAgreement).to.equal(3 / 4)
    expect(score.disagreements).to.deep.equal([{column: 'public.notes.body', labelled: 'free_text', scanned: 'contact'}])
  })

  it('names tables left unreached, those the scan did not warn about, and references without a foreign key it found', () => {
    expect(score.unreached).to.deep.equal(['public.logins'])
    expect(score.silentlyUnreached).to.deep.equal(['public.logins'])
    expect(score.referencesWithoutFk).to.deep.equal({expected: 2, found: 1, missing: ['public.logins.user_id → public.users.id']})
    expect(score.subject.right).to.equal(true)
  })

  it('adds the corpus up column by column, not as an average of ratios', () => {
    const total = overall([score, {...score, app: 'twin', personalWithData: 4, misses: [], flagged: 1, falseFlags: [], disagreements: []}])
    expect(total.recall).to.equal((4 + 4) / (6 + 4))
    expect(total.precision).to.equal((4 + 1) / (5 + 1))
  })
})
