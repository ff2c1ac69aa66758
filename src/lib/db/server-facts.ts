import type pg from 'pg'

/** Facts about the server and database that every report starts with. */
export interface ServerFacts {
  postgresVersion: string
  serverVersionNum: number
  databaseName: string
  sizeBytes: number
  schemaCount: number
  tableCount: number
  isReadOnly: boolean
  sslInUse: boolean
}

export const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast']
export const TOOL_SCHEMA = 'heroku_privacy'

export async function readServerFacts(pool: pg.Pool): Promise<ServerFacts> {
  const {rows} = await pool.query<{
    version: string
    version_num: string
    database: string
    size: string
    schemas: string
    tables: string
    read_only: boolean
    ssl: boolean | null
  }>(
    `SELECT current_setting('server_version') AS version,
            current_setting('server_version_num') AS version_num,
            current_database() AS database,
            pg_database_size(current_database()) AS size,
            (SELECT count(*) FROM pg_namespace n
               WHERE n.nspname <> ALL($1) AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%') AS schemas,
            (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                 AND n.nspname <> ALL($1) AND n.nspname NOT LIKE 'pg_temp_%') AS tables,
            pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on' AS read_only,
            (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl`,
    [[...SYSTEM_SCHEMAS, TOOL_SCHEMA]],
  )
  const row = rows[0]!
  return {
    postgresVersion: row.version,
    serverVersionNum: Number(row.version_num),
    databaseName: row.database,
    sizeBytes: Number(row.size),
    schemaCount: Number(row.schemas),
    tableCount: Number(row.tables),
    isReadOnly: row.read_only,
    sslInUse: row.ssl === true,
  }
}
