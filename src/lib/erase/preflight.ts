import type pg from 'pg'

import {loadMapForDatabase} from '../datamap/for-database.js'
import {refused} from '../errors.js'
import {actionOf, missingPrivileges} from './decide.js'

/**
 * Before anything is created or changed (the ledger's tables included), the
 * role must be able to change the tables the map erases: DELETE where rows
 * are deleted, UPDATE where they are anonymised. The plan checks the rest
 * (references it clears in other tables) once it is made.
 */
export async function checkErasePrivileges(pool: pg.Pool, mapFile: string): Promise<void> {
  const {loaded, schema} = await loadMapForDatabase(mapFile, pool)
  const writes = Object.entries(loaded.map.tables).flatMap(([key, spec]) => {
    const table = schema.tables.get(key)
    if (!table || (spec.connect && !spec.erase)) return []
    return [{table, privilege: actionOf(spec) === 'delete' ? ('DELETE' as const) : ('UPDATE' as const)}]
  })
  const missing = missingPrivileges(writes)
  if (missing.length > 0) {
    throw refused(
      'permission_denied',
      `This role may not change the mapped tables: it lacks ${missing.join(', ')}. Grant those privileges, or run the erasure as a role that has them; nothing was changed.`,
    )
  }
}
