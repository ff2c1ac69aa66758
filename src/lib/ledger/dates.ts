/** Calendar arithmetic on plain dates (YYYY-MM-DD, UTC), as the GDPR's deadlines are counted. */

export function parseDate(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return undefined
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return date.getUTCDate() === Number(match[3]) && date.getUTCMonth() === Number(match[2]) - 1 ? date : undefined
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
}

/**
 * Adds calendar months; when the target month is shorter, the period ends on
 * its last day (31 January + 1 month = 28 or 29 February), the reading of
 * Art. 12(3) GDPR under Regulation 1182/71.
 */
export function addMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)))
}

export function daysBetween(from: Date, to: Date): number {
  return Math.round((startOfDay(to).getTime() - startOfDay(from).getTime()) / 86_400_000)
}

export function addDays(date: Date, days: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days))
}

const isWeekend = (date: Date) => date.getUTCDay() === 0 || date.getUTCDay() === 6

/** The day itself, or the next day a deadline may end on when it falls on a weekend (or, for some laws, a Sunday). */
export function rollForward(date: Date, nonWorking: 'weekend' | 'sunday'): Date {
  let day = date
  while (nonWorking === 'weekend' ? isWeekend(day) : day.getUTCDay() === 0) day = addDays(day, 1)
  return day
}

/** The n-th Monday-to-Friday after the given day (the day itself is not counted). */
export function addBusinessDays(date: Date, days: number): Date {
  let day = date
  for (let counted = 0; counted < days;) {
    day = addDays(day, 1)
    if (!isWeekend(day)) counted++
  }
  return day
}
