import {readFile, readdir, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {FuzzCase} from './model.js'
import {describeFailure} from './oracle/failures.js'
import type {CaseVerdict} from './run-case.js'

export const REGRESSIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'regressions')

/** A shrunk case kept because it once failed: what it found, and the case itself. */
export interface Regression {
  /** The first finding when it was saved, and which defect it is. */
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

export async function loadRegressions(): Promise<Array<{file: string; regression: Regression}>> {
  const files = (await readdir(REGRESSIONS_DIR)).filter(f => f.endsWith('.json')).sort()
  return Promise.all(files.map(async file => ({file, regression: JSON.parse(await readFile(join(REGRESSIONS_DIR, file), 'utf8')) as Regression})))
}
