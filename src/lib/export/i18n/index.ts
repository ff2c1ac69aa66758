import {DURATION} from '../../datamap/schema.js'
import type {Locale} from '../../datamap/processing-schema.js'
import {de} from './de.js'
import {en} from './en.js'
import {fr} from './fr.js'
import type {Messages} from './messages.js'

const CATALOGUES: Record<Locale, Messages> = {en, de, fr}

/** The fixed text and the date and number formats of one locale. */
export interface LocaleText {
  locale: Locale
  t: Messages
  dateTime: (iso: string) => string
  date: (iso: string) => string
  number: (n: number) => string
  duration: (text: string) => string
}

export function localeText(locale: Locale): LocaleText {
  const t = CATALOGUES[locale]
  const dateTime = new Intl.DateTimeFormat(locale, {dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC'})
  const date = new Intl.DateTimeFormat(locale, {dateStyle: 'medium', timeZone: 'UTC'})
  const numbers = new Intl.NumberFormat(locale)
  const plurals = new Intl.PluralRules(locale)
  return {
    locale,
    t,
    dateTime: iso => `${dateTime.format(new Date(iso))} UTC`,
    date: iso => date.format(new Date(iso)),
    number: n => numbers.format(n),
    duration: text => {
      const match = DURATION.exec(text.trim())
      if (!match) return text
      const n = Number(match[1])
      const unit = t.units[match[2] as keyof Messages['units']]
      return `${numbers.format(n)} ${plurals.select(n) === 'one' ? unit.one : unit.other}`
    },
  }
}
