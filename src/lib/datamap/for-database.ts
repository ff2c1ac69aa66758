import type pg from 'pg'

import {SchemaInfo, introspect} from '../db/introspect.js'
import {PrivacyError} from '../errors.js'
import {LoadedDataMap, formatProblems, loadDataMap} from './load.js'
import {checkMapAgainstSchema} from './validate-live.js'

/**
 * Loads privacy.yml and refuses to go on when it does not match the live
 * schema: every command that reads or changes personal data starts here.
 */
export async function loadMapForDatabase(file: string, client: pg.Pool | pg.ClientBase): Promise<{loaded: LoadedDataMap; schema: SchemaInfo}> {
  const loaded = await loadDataMap(file, {deferRules: true})
  const schema = await introspect(client)
  const problems = checkMapAgainstSchema(loaded, schema)
  if (problems.length > 0) {
    const drifted = problems.some(p => p.kind === 'missing')
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`
    throw new PrivacyError(
      drifted
        ? `${file} does not match the database (${formatProblems(file, problems)}). Run \`heroku privacy:scan --check\` to see the drift, then update the map.`
        : `${file} has ${count} (${formatProblems(file, problems)}). Nothing was read or changed; correct the map and run the command again.`,
      {code: 'map_mismatch', details: problems},
    )
  }
  return {loaded, schema}
}
