import type {Law} from '../datamap/processing-schema.js'
import {addBusinessDays, addDays, addMonths, rollForward} from './dates.js'

/** How long a law gives to answer, counted from the day the request was received. */
export type Period = {unit: 'months' | 'days' | 'business_days'; amount: number}

/** The days a deadline may not end on: it moves to the next day that is none of them. */
export type NonWorkingDays = 'weekend' | 'sunday'

export interface LawRules {
  law: Law
  name: string
  period: Period
  /** The longest extension in all, in the period's unit, or null when the law allows none. */
  maxExtension: number | null
  nonWorking: NonWorkingDays | null
  /** Business days to confirm receipt of the request, where the law asks for it. */
  acknowledgeWithin: number | null
  citation: string
}

/**
 * Each law's clock. Public holidays are not known to the tool: when a
 * deadline falls on one, it moves to the next working day as well.
 */
const RULES: Record<Law, LawRules> = {
  gdpr: {
    law: 'gdpr',
    name: 'GDPR',
    period: {unit: 'months', amount: 1},
    maxExtension: 2,
    nonWorking: 'weekend',
    acknowledgeWithin: null,
    // Periods ending on a Saturday, Sunday or public holiday end on the next working day (Regulation 1182/71 Art. 3(4)).
    citation:
      'Art. 12(3) GDPR: one month from receipt, extendable by two further months where requests are complex or numerous, telling the person within the first month; a period ending on a weekend ends on the next working day (Regulation 1182/71 Art. 3(4))',
  },
  'uk-gdpr': {
    law: 'uk-gdpr',
    name: 'UK GDPR',
    period: {unit: 'months', amount: 1},
    maxExtension: 2,
    nonWorking: 'weekend',
    acknowledgeWithin: null,
    citation:
      'Art. 12(3) UK GDPR: one calendar month from receipt (the last day of a shorter month; the next working day after a weekend), extendable by two further months, telling the person within the first month',
  },
  ccpa: {
    law: 'ccpa',
    name: 'CCPA/CPRA',
    period: {unit: 'days', amount: 45},
    maxExtension: 45,
    nonWorking: 'weekend',
    acknowledgeWithin: 10,
    // Cal. Civ. Code §12a: a period ending on a Saturday or holiday (Sundays are holidays) ends on the next day that is not one.
    citation:
      'Cal. Civ. Code §1798.130(a)(2) and 11 CCR §7021: confirm receipt within 10 business days, answer within 45 calendar days, extendable once by 45 more with notice within the first 45; Cal. Civ. Code §12a moves a deadline off a weekend',
  },
  lgpd: {
    law: 'lgpd',
    name: 'LGPD',
    period: {unit: 'days', amount: 15},
    maxExtension: null,
    nonWorking: 'weekend',
    acknowledgeWithin: null,
    citation:
      'Art. 19(II) LGPD: a complete answer within 15 days of the request, no extension; a deadline on a non-working day moves to the next working day (Código Civil art. 132 §1)',
  },
  pipeda: {
    law: 'pipeda',
    name: 'PIPEDA',
    period: {unit: 'days', amount: 30},
    maxExtension: 30,
    nonWorking: 'sunday',
    acknowledgeWithin: null,
    // Interpretation Act ss. 26 and 35: a time limit ending on a holiday (Sunday is one, Saturday is not) ends on the next day.
    citation:
      'PIPEDA s. 8(3)-(4): answer within 30 days of receipt, extendable by up to 30 more with notice within the first 30; a deadline on a Sunday or holiday moves to the next day (Interpretation Act ss. 26, 35)',
  },
}

/** CCPA opt-outs of sale or sharing and requests to limit sensitive data run on 15 business days, with no extension (11 CCR §7026(f), §7027(g)). */
const CCPA_OPT_OUT: LawRules = {
  ...RULES.ccpa,
  period: {unit: 'business_days', amount: 15},
  maxExtension: null,
  acknowledgeWithin: null,
  citation:
    '11 CCR §7026(f) and §7027(g): act on an opt-out of sale or sharing, or a request to limit the use of sensitive personal information, within 15 business days',
}

export function rulesFor(law: Law, kind: string): LawRules {
  if (law === 'ccpa' && (kind === 'objection' || kind === 'restriction')) return CCPA_OPT_OUT
  return RULES[law]
}

function endOfPeriod(rules: LawRules, receivedOn: Date, extension: number): Date {
  const {unit, amount} = rules.period
  if (unit === 'business_days') return addBusinessDays(receivedOn, amount + extension)
  const end = unit === 'months' ? addMonths(receivedOn, amount + extension) : addDays(receivedOn, amount + extension)
  return rules.nonWorking ? rollForward(end, rules.nonWorking) : end
}

/** The deadline in force, counted from receipt with any extension (in the law's unit). */
export function deadline(rules: LawRules, receivedOn: Date, extension = 0): Date {
  return endOfPeriod(rules, receivedOn, extension)
}

/** The day by which the law wants receipt confirmed, or null when it asks for no confirmation. */
export function acknowledgeBy(rules: LawRules, receivedOn: Date): Date | null {
  return rules.acknowledgeWithin === null ? null : addBusinessDays(receivedOn, rules.acknowledgeWithin)
}

export function extensionUnit(rules: LawRules): 'months' | 'days' {
  return rules.period.unit === 'months' ? 'months' : 'days'
}
