import {expect} from 'chai'

import {formatDate, parseDate} from '../../src/lib/ledger/dates.js'
import {acknowledgeBy, deadline, rulesFor} from '../../src/lib/ledger/laws.js'

const day = (text: string) => parseDate(text)!
const due = (law: Parameters<typeof rulesFor>[0], received: string, extension = 0, kind = 'access') =>
  formatDate(deadline(rulesFor(law, kind), day(received), extension))

// Weekdays checked against the calendar: 2026-02-28 is a Saturday, 2026-12-20, 2027-02-28, 2026-02-15 and 2026-02-01 are Sundays.
describe('deadlines by law', () => {
  for (const law of ['gdpr', 'uk-gdpr'] as const) {
    describe(law, () => {
      it('is one calendar month from receipt', () => {
        expect(due(law, '2026-12-15')).to.equal('2027-01-15')
        expect(due(law, '2026-03-31')).to.equal('2026-04-30')
      })

      it('ends on the last day of a shorter month, in leap years too', () => {
        expect(due(law, '2028-01-31')).to.equal('2028-02-29')
        expect(due(law, '2024-01-29')).to.equal('2024-02-29')
      })

      it('moves off a weekend to the Monday', () => {
        expect(due(law, '2026-11-20')).to.equal('2026-12-21')
        expect(due(law, '2026-01-31'), 'month end on a Saturday').to.equal('2026-03-02')
        expect(due(law, '2027-01-31'), 'month end on a Sunday').to.equal('2027-03-01')
      })

      it('counts an extension of up to two months from receipt', () => {
        expect(due(law, '2025-12-31', 2)).to.equal('2026-03-31')
        expect(due(law, '2026-11-30', 2)).to.equal('2027-03-01')
        expect(rulesFor(law, 'access').maxExtension).to.equal(2)
      })
    })
  }

  describe('ccpa', () => {
    it('is 45 calendar days, moved off a weekend, across a leap day', () => {
      expect(due('ccpa', '2026-01-01')).to.equal('2026-02-16')
      expect(due('ccpa', '2028-01-15')).to.equal('2028-02-29')
      expect(due('ccpa', '2027-01-15')).to.equal('2027-03-01')
    })

    it('extends once by up to 45 days', () => {
      expect(due('ccpa', '2026-01-01', 45)).to.equal('2026-04-01')
      expect(rulesFor('ccpa', 'access').maxExtension).to.equal(45)
    })

    it('wants receipt confirmed within 10 business days', () => {
      expect(formatDate(acknowledgeBy(rulesFor('ccpa', 'erasure'), day('2026-11-20'))!)).to.equal('2026-12-04')
      expect(formatDate(acknowledgeBy(rulesFor('ccpa', 'erasure'), day('2026-11-21'))!), 'received on a Saturday').to.equal('2026-12-04')
      expect(acknowledgeBy(rulesFor('gdpr', 'erasure'), day('2026-11-20'))).to.equal(null)
    })

    it('runs opt-outs on 15 business days, skipping weekends, with no extension', () => {
      expect(due('ccpa', '2026-12-24', 0, 'objection')).to.equal('2027-01-14')
      expect(due('ccpa', '2026-02-27', 0, 'restriction')).to.equal('2026-03-20')
      expect(rulesFor('ccpa', 'objection').maxExtension).to.equal(null)
    })
  })

  describe('lgpd', () => {
    it('is 15 days with no extension, moved off a weekend', () => {
      expect(due('lgpd', '2026-02-13')).to.equal('2026-03-02')
      expect(due('lgpd', '2028-02-14')).to.equal('2028-02-29')
      expect(rulesFor('lgpd', 'access').maxExtension).to.equal(null)
    })
  })

  describe('pipeda', () => {
    it('is 30 days, moved off a Sunday but not off a Saturday', () => {
      expect(due('pipeda', '2026-01-02')).to.equal('2026-02-02')
      expect(due('pipeda', '2026-01-01')).to.equal('2026-01-31')
      expect(due('pipeda', '2028-01-30')).to.equal('2028-02-29')
    })

    it('extends by up to 30 days', () => {
      expect(due('pipeda', '2026-01-01', 30)).to.equal('2026-03-02')
      expect(rulesFor('pipeda', 'access').maxExtension).to.equal(30)
    })
  })
})
