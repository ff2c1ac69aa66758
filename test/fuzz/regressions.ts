import {readFileSync, readdirSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {FuzzCase} from './model.js'
import {describeFailure} from './oracle/failures.js'
import type {CaseVerdict} from './run-case.js'

export const REGRESSIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'regressions')

/** A shrunk case kept because it once failed: what it found, and the case itself. */
export interface Regression {
  /** Which defect it is, written by whoever saved it (the title of its test). */
  defect?: string
  /** The finding the case was shrunk for, when it was saved. */
  found: string
  fuzzCase: FuzzCase
}

export async function saveRegression(fuzzCase: FuzzCase, verdict: CaseVerdict): Promise<string> {
  const first = verdict.failures[0]!
  const file = join(REGRESSIONS_DIR, `seed-${fuzzCase.seed}-${first.kind}.json`)
  const regression: Regression = {found: describeFailure(first), fuzzCase}
  await writeFile(file, `${JSON.stringify(regression, null, 2)}\n`)
  return file
}

/** Read synchronously: mocha needs them while it collects the tests. */
export function loadRegressions(): Array<{file: string; regression: Regression}> {
  const files = readdirSync(REGRESSIONS_DIR)
    .filter(f => f.endsWith('.json'))
    .sort()
  return files.map(file => ({file, regression: JSON.parse(readFileSync(join(REGRESSIONS_DIR, file), 'utf8')) as Regression}))
}
