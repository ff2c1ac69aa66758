/**
 * Writes the README's table of error codes from src/lib/error-codes.ts,
 * between the markers <!-- errors --> and <!-- errorsstop -->.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {ERROR_CODES} from '../src/lib/error-codes.js'

export const START = '<!-- errors -->'
export const STOP = '<!-- errorsstop -->'

export function errorTable(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, entry]) => `| \`${code}\` | ${entry.exit} | ${entry.doc.replaceAll('|', '\\|')} |`)
  return ['| Code | Exit | What happened |', '|---|---|---|', ...rows].join('\n')
}

export function withErrorTable(readme: string): string {
  const start = readme.indexOf(START)
  const stop = readme.indexOf(STOP)
  if (start < 0 || stop < start) throw new Error(`README.md lacks the ${START} … ${STOP} markers`)
  return `${readme.slice(0, start + START.length)}\n${errorTable()}\n${readme.slice(stop)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = new URL('../README.md', import.meta.url)
  writeFileSync(path, withErrorTable(readFileSync(path, 'utf8')))
}
