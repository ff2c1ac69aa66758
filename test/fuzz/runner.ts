import {generateCase} from './generate/index.js'
import type {FuzzCase} from './model.js'
import {CaseVerdict, FuzzEnv, runCase} from './run-case.js'

/** A case that could not even be built (a generator bug, not a finding about the tool). */
export interface HarnessError {
  seed: number
  error: Error
}

/**
 * Runs cases over the environment's databases, one worker per database;
 * verdicts come back in the order of `cases`.
 */
export async function runCases(
  env: FuzzEnv,
  cases: Array<number | FuzzCase>,
  onDone?: (verdict: CaseVerdict | HarnessError) => void,
): Promise<Array<CaseVerdict | HarnessError>> {
  const results: Array<CaseVerdict | HarnessError> = new Array(cases.length)
  let next = 0
  await Promise.all(
    env.slots.map(async slot => {
      while (next < cases.length) {
        const index = next++
        const item = cases[index]!
        const fuzzCase = typeof item === 'number' ? generateCase(item) : item
        const result = await runCase(env, slot, fuzzCase).catch((error: unknown): HarnessError => ({
          seed: fuzzCase.seed,
          error: error instanceof Error ? error : new Error(String(error)),
        }))
        results[index] = result
        onDone?.(result)
      }
    }),
  )
  return results
}

export const isHarnessError = (result: CaseVerdict | HarnessError): result is HarnessError => 'error' in result
