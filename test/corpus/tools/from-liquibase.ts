/**
 * Turns Liquibase XML changelogs into PostgreSQL DDL: the master changelog's
 * includes in order, each change set as Liquibase would run it on PostgreSQL
 * (change sets for other databases, or whose preconditions fail, are skipped;
 * `modifySql` for postgresql is applied). Schema changes only: data changes
 * (update, insert, delete, sql) and Java `customChange`s are left out. Names
 * are unquoted, so PostgreSQL folds them to lower case as Liquibase's do.
 *
 *   tsx test/corpus/tools/from-liquibase.ts --out schema.sql --dir META-INF master.xml
 */
import {readFile, writeFile} from 'node:fs/promises'
import {basename, join} from 'node:path'
import {parseArgs} from 'node:util'

import {parseXml, type XmlElement} from './xml-elements.js'

const {values: args, positionals} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}, dir: {type: 'string'}}})
if (!args.out || !args.dir || positionals.length !== 1) throw new Error('usage: from-liquibase.ts --out FILE --dir DIR MASTER.xml')

const TYPES: Array<[RegExp, string]> = [
  [/^N?VARCHAR\((\d+)\)$/i, 'varchar($1)'],
  [/^(N?CLOB|TEXT(\(\d+\))?|LONGTEXT)$/i, 'text'],
  [/^(TINY|MEDIUM|LONG)?BLOB(\(\d+\))?$|^(VAR)?BINARY(\(\d+\))?$/i, 'bytea'],
  [/^INT(EGER)?$/i, 'integer'],
  [/^TINYINT$|^SMALLINT$/i, 'smallint'],
  [/^BIGINT$/i, 'bigint'],
  [/^BOOLEAN$/i, 'boolean'],
  [/^DATETIME$|^TIMESTAMP$/i, 'timestamp'],
]

const executed = new Set<string>()
const out: string[] = []
let skipped = 0
await readChangelog(positionals[0]!)
await writeFile(args.out, `${out.join('\n')}\n`)
process.stderr.write(`${args.out}: ${executed.size} change sets, ${skipped} skipped for other databases or failed preconditions\n`)

/** A changelog's change sets, and those of the changelogs it includes, in order. */
async function readChangelog(path: string): Promise<void> {
  const log = parseXml(await readFile(path, 'utf8')).children.find(e => e.name === 'databaseChangeLog')
  for (const element of log?.children ?? []) {
    if (element.name === 'include') await readChangelog(join(args.dir!, basename(element.attributes.file ?? '')))
    if (element.name !== 'changeSet') continue
    if (!appliesToPostgres(element.attributes.dbms) || !preconditionsHold(element.children.find(e => e.name === 'preConditions'))) {
      skipped++
      continue
    }
    executed.add(`${element.attributes.id}|${element.attributes.author}`)
    const modify = element.children.filter(e => e.name === 'modifySql' && appliesToPostgres(e.attributes.dbms))
    out.push(`-- ${basename(path)} ${element.attributes.id}`, ...element.children.flatMap(change).map(s => `${modifySql(s, modify)};`))
  }
}

/** A constraint or index name as Liquibase writes it: quoted only when it is not a plain identifier. */
function ident(name = ''): string {
  return /^[A-Za-z_][\w$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`
}

function appliesToPostgres(dbms: string | undefined): boolean {
  if (!dbms) return true
  const list = dbms.split(',').map(d => d.trim())
  return list.some(d => d === 'postgresql' || d === 'all') || (list.every(d => d.startsWith('!')) && !list.includes('!postgresql'))
}

function preconditionsHold(element: XmlElement | undefined): boolean {
  if (!element) return true
  const check = (e: XmlElement): boolean => {
    switch (e.name) {
      case 'not':
        return !e.children.every(check)
      case 'or':
        return e.children.some(check)
      case 'and':
      case 'preConditions':
        return e.children.every(check)
      case 'dbms':
        return appliesToPostgres(e.attributes.type)
      case 'changeSetExecuted':
        return executed.has(`${e.attributes.id}|${e.attributes.author}`)
      default:
        return true
    }
  }
  return check(element)
}

function modifySql(statement: string, modifications: XmlElement[]): string {
  let sql = statement
  for (const m of modifications.flatMap(e => e.children)) {
    if (m.name === 'replace') sql = sql.split(m.attributes.replace ?? '').join(m.attributes.with ?? '')
    if (m.name === 'regExpReplace') sql = sql.replace(new RegExp(m.attributes.replace ?? '', 'g'), m.attributes.with ?? '')
  }
  return sql
}

function pgType(type = ''): string {
  for (const [re, to] of TYPES) if (re.test(type.trim())) return type.trim().replace(re, to)
  return type
}

function columnSql(column: XmlElement): string {
  const a = column.attributes
  const constraints = column.children.find(e => e.name === 'constraints')?.attributes ?? {}
  const value =
    a.defaultValue !== undefined ? `'${a.defaultValue.replaceAll("'", "''")}'` : (a.defaultValueBoolean ?? a.defaultValueNumeric ?? a.defaultValueComputed)
  return [
    a.name,
    pgType(a.type),
    value === undefined ? '' : `DEFAULT ${value}`,
    constraints.nullable === 'false' ? 'NOT NULL' : '',
    constraints.unique === 'true' ? `CONSTRAINT ${constraints.uniqueConstraintName ?? `${a.name}_key`} UNIQUE` : '',
  ]
    .filter(Boolean)
    .join(' ')
}

function primaryKeyOf(table: string | undefined, columns: XmlElement[]): string[] {
  const keyed = columns.filter(c => c.children.find(e => e.name === 'constraints')?.attributes.primaryKey === 'true')
  if (keyed.length === 0) return []
  const name = keyed[0]?.children.find(e => e.name === 'constraints')?.attributes.primaryKeyName ?? `${table}_pkey`
  return [`CONSTRAINT ${name} PRIMARY KEY (${keyed.map(c => c.attributes.name).join(', ')})`]
}

function change(element: XmlElement): string[] {
  const a = element.attributes
  const columns = element.children.filter(e => e.name === 'column')
  switch (element.name) {
    case 'createTable':
      return [`CREATE TABLE ${a.tableName} (\n  ${[...columns.map(columnSql), ...primaryKeyOf(a.tableName, columns)].join(',\n  ')}\n)`]
    case 'dropTable':
      return [`DROP TABLE ${a.tableName}${a.cascadeConstraints === 'true' ? ' CASCADE' : ''}`]
    case 'renameTable':
      return [`ALTER TABLE ${a.oldTableName} RENAME TO ${a.newTableName}`]
    case 'addColumn':
      return columns.flatMap(c => [
        `ALTER TABLE ${a.tableName} ADD COLUMN ${columnSql(c)}`,
        ...primaryKeyOf(a.tableName, [c]).map(pk => `ALTER TABLE ${a.tableName} ADD ${pk}`),
      ])
    case 'dropColumn':
      return (a.columnName ? [a.columnName] : columns.map(c => c.attributes.name)).map(name => `ALTER TABLE ${a.tableName} DROP COLUMN ${name}`)
    case 'renameColumn':
      return [`ALTER TABLE ${a.tableName} RENAME COLUMN ${a.oldColumnName} TO ${a.newColumnName}`]
    case 'modifyDataType': {
      const type = pgType(a.newDataType)
      return [`ALTER TABLE ${a.tableName} ALTER COLUMN ${a.columnName} TYPE ${type} USING ${a.columnName}::${type}`]
    }
    case 'addNotNullConstraint':
      return [`ALTER TABLE ${a.tableName} ALTER COLUMN ${a.columnName} SET NOT NULL`]
    case 'dropNotNullConstraint':
      return [`ALTER TABLE ${a.tableName} ALTER COLUMN ${a.columnName} DROP NOT NULL`]
    case 'dropDefaultValue':
      return [`ALTER TABLE ${a.tableName} ALTER COLUMN ${a.columnName} DROP DEFAULT`]
    case 'addDefaultValue': {
      const value =
        a.defaultValue !== undefined ? `'${a.defaultValue.replaceAll("'", "''")}'` : (a.defaultValueBoolean ?? a.defaultValueNumeric ?? a.defaultValueComputed)
      return [`ALTER TABLE ${a.tableName} ALTER COLUMN ${a.columnName} SET DEFAULT ${value}`]
    }
    case 'addPrimaryKey':
      return [`ALTER TABLE ${a.tableName} ADD CONSTRAINT ${ident(a.constraintName ?? `${a.tableName}_pkey`)} PRIMARY KEY (${a.columnNames})`]
    case 'dropPrimaryKey':
      return [a.constraintName ? `ALTER TABLE ${a.tableName} DROP CONSTRAINT ${ident(a.constraintName)}` : dropPrimaryKey(a.tableName)]
    case 'addUniqueConstraint':
      return [`ALTER TABLE ${a.tableName} ADD CONSTRAINT ${ident(a.constraintName)} UNIQUE (${a.columnNames})`]
    case 'dropUniqueConstraint':
      return [`ALTER TABLE ${a.tableName} DROP CONSTRAINT ${ident(a.uniqueConstraintName ?? a.constraintName)}`]
    case 'addForeignKeyConstraint':
      return [
        `ALTER TABLE ${a.baseTableName} ADD CONSTRAINT ${ident(a.constraintName)} FOREIGN KEY (${a.baseColumnNames}) ` +
          `REFERENCES ${a.referencedTableName} (${a.referencedColumnNames})${a.onDelete ? ` ON DELETE ${a.onDelete}` : ''}`,
      ]
    case 'dropForeignKeyConstraint':
      return [`ALTER TABLE ${a.baseTableName} DROP CONSTRAINT ${ident(a.constraintName)}`]
    case 'createIndex':
      return [`CREATE ${a.unique === 'true' ? 'UNIQUE ' : ''}INDEX ${ident(a.indexName)} ON ${a.tableName} (${columns.map(c => c.attributes.name).join(', ')})`]
    case 'dropIndex':
      return [`DROP INDEX ${ident(a.indexName)}`]
    default:
      return []
  }
}

function dropPrimaryKey(table = ''): string {
  return (
    `DO $drop$ BEGIN EXECUTE (SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', '${table.toLowerCase()}', conname) FROM pg_constraint ` +
    `WHERE conrelid = '${table.toLowerCase()}'::regclass AND contype = 'p'); END $drop$`
  )
}
