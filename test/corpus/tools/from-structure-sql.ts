/**
 * Turns a `pg_dump --schema-only` file as Rails publishes it (`db/structure.sql`)
 * into the DDL the corpus needs: schemas, extensions, types, sequences, tables
 * (with their partitions), constraints, indexes and the functions that
 * defaults or checks may call. Triggers, views, comments, data rows and
 * session settings are left out: they describe behaviour, not tables.
 *
 *   tsx test/corpus/tools/from-structure-sql.ts --out schema.sql db/structure.sql
 */
import {readFile, writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'

import {splitSqlStatements} from './sql-statements.js'

const {values: args, positionals: files} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}}})
if (!args.out || files.length !== 1) throw new Error('usage: from-structure-sql.ts --out FILE structure.sql')

const KEEP = /^(CREATE (SCHEMA|EXTENSION|TYPE|DOMAIN|SEQUENCE|TABLE|UNLOGGED TABLE|(UNIQUE )?INDEX|FUNCTION|COLLATION)|ALTER (SEQUENCE|TABLE|INDEX))\b/i
// psql meta-commands (`\restrict`) sit on lines of their own in newer dumps.
const text = (await readFile(files[0]!, 'utf8')).replace(/^\\\S+.*$/gm, '')
const kept: string[] = []
const dropped = new Map<string, number>()
for (const statement of splitSqlStatements(text)) {
  if (KEEP.test(statement) && !/^ALTER \w+ .* (OWNER TO |(ENABLE|DISABLE)( ALWAYS| REPLICA)? TRIGGER )/is.test(statement)) {
    kept.push(`${statement};`)
  } else {
    const kind = statement.split(/\s+/).slice(0, 2).join(' ').toUpperCase()
    dropped.set(kind, (dropped.get(kind) ?? 0) + 1)
  }
}
await writeFile(args.out, `${kept.join('\n')}\n`)
process.stderr.write(`${args.out}: ${kept.length} statements kept; left out: ${[...dropped].map(([k, n]) => `${k} ${n}`).join(', ')}\n`)
