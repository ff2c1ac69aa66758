import {usageError} from '../errors.js'
import {readDoubleQuoted} from '../quoted.js'

export interface SubjectLookup {
  column: string
  value: string
}

const FORM =
  '--subject must be COLUMN=VALUE, e.g. --subject email=alice@example.com, --subject E-Mail=alice@example.com or --subject id=42 (a column name holding = goes in double quotes: "a=b"=VALUE).'

const usage = (message: string) => usageError(message)

/**
 * `COLUMN=VALUE`, the column written as the map writes it (`E-Mail`,
 * `emailAddress`, `courriel_électronique`) and split at the first `=`; or
 * `"COLUMN"=VALUE`, the column in double quotes (a quote inside doubled) when
 * its name holds `=`, starts with a quote or has spaces at either end. The
 * value is everything after that `=`, and is never printed back.
 */
export function parseSubject(text: string): SubjectLookup {
  const trimmed = text.trim()
  let column: string
  let rest: string
  if (trimmed.startsWith('"')) {
    const quoted = readDoubleQuoted(trimmed, 0)
    if (!quoted) throw usage(`--subject has a quoted column name that is never closed. ${FORM}`)
    column = quoted.value
    rest = trimmed.slice(quoted.end)
    if (!rest.startsWith('=')) throw usage(`--subject needs =VALUE right after the quoted column name. ${FORM}`)
  } else {
    const equals = trimmed.indexOf('=')
    if (equals < 0) throw usage(FORM)
    column = trimmed.slice(0, equals).trim()
    rest = trimmed.slice(equals)
  }
  const value = rest.slice(1).trim()
  if (column === '' || value === '') throw usage(FORM)
  return {column, value}
}
