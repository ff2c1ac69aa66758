/**
 * Turns Go models mapped by xorm into PostgreSQL DDL: the structs an
 * application registers as tables (`RegisterModel(new(T))`), their exported
 * fields with `xorm:"…"` tags (column name, SQL type, pk/autoincr, NOT NULL,
 * DEFAULT, UNIQUE/INDEX with group names, `extends`), table names from
 * `TableName()` or xorm's GonicMapper, Go types mapped as xorm maps them on
 * PostgreSQL. Test files and migration packages are not read. Directories
 * after `--types` are read for struct and type declarations only (the
 * application's shared types), not for registered models.
 *
 *   tsx test/corpus/tools/from-go-xorm.ts --out schema.sql models/ [--types modules/]
 */
import {readdir, readFile, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {parseArgs} from 'node:util'

import {goStructs, type GoField, type GoStruct} from './go-structs.js'

const {values: args, positionals: roots} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}, types: {type: 'string', multiple: true}}})
if (!args.out || roots.length === 0) throw new Error('usage: from-go-xorm.ts --out FILE DIR...')

let structs = new Map<string, GoStruct>()
let namedTypes = new Map<string, string>()

async function goFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true})
  const nested = await Promise.all(
    entries.map(async e => {
      const path = join(dir, e.name)
      if (e.isDirectory()) return e.name === 'migrations' || e.name === 'fixtures' ? [] : goFiles(path)
      return e.name.endsWith('.go') && !e.name.endsWith('_test.go') ? [path] : []
    }),
  )
  return nested.flat()
}

/** xorm's GonicMapper: UserID → user_id, OAuth2Grant → o_auth2_grant. */
function gonicCasedName(name: string): string {
  const out: string[] = []
  const upper = (ch: string | undefined) => ch !== undefined && ch >= 'A' && ch <= 'Z'
  for (const [index, ch] of [...name].entries()) {
    if (upper(ch) && index > 0 && !upper(out[out.length - 1])) out.push('_')
    if (!upper(ch) && index > 1 && upper(out[out.length - 1]) && upper(out[out.length - 2])) out.splice(out.length - 1, 0, '_')
    out.push(ch)
  }
  return out.join('').toLowerCase()
}

const KEYWORDS = new Set([
  'pk',
  'autoincr',
  'null',
  'notnull',
  'not',
  'unique',
  'index',
  'extends',
  'created',
  'updated',
  'deleted',
  'version',
  'default',
  'json',
  'text',
  'longtext',
  'mediumtext',
  'blob',
  'longblob',
  'bool',
  'int',
  'bigint',
  'smallint',
  'varchar',
  'char',
  'uuid',
  'comment',
  'cascade',
  'nocache',
  'cache',
])

interface Column {
  name: string
  type: string
  notNull: boolean
  default?: string
  pk: boolean
}

function columns(struct: GoStruct, seen = new Set<string>()): Array<Column & {unique: string[]; field: GoField}> {
  const result: Array<Column & {unique: string[]; field: GoField}> = []
  for (const field of struct.fields) {
    const tokens = tagTokens(field.tag)
    if (tokens.includes('-') || tokens.includes('<-') || !/^[A-Z]/.test(field.name)) continue
    if (tokens.includes('extends') || (field.embedded && !field.tag)) {
      const inner = structs.get(field.typeKey ?? '')
      if (inner && !seen.has(inner.name)) result.push(...columns(inner, new Set([...seen, inner.name])))
      continue
    }
    const named = tokens.find(
      (t, i) => tokens[i - 1]?.toUpperCase() !== 'DEFAULT' && (/^'.*'$/.test(t) || (/^[a-z_][a-z0-9_]*$/.test(t) && !KEYWORDS.has(t.toLowerCase()))),
    )
    const sqlType = tokens
      .map(t => t.toUpperCase())
      .find(t => /^(VARCHAR|CHAR|TEXT|LONGTEXT|MEDIUMTEXT|BLOB|LONGBLOB|VARBINARY|BIGINT|INT|SMALLINT|BOOL|JSON|UUID)\b/.test(t))
    const autoincr = tokens.some(t => t.toLowerCase() === 'autoincr')
    const at = tokens.findIndex(t => t.toUpperCase() === 'DEFAULT')
    result.push({
      name: named ? named.replace(/^'|'$/g, '') : gonicCasedName(field.name),
      type: autoincr ? 'bigserial' : pgType(sqlType, namedTypes.get(field.typeKey ?? '') ?? field.type),
      notNull: tokens.some(t => t.toUpperCase() === 'NOT') || tokens.some(t => t.toLowerCase() === 'notnull') || tokens.some(t => t.toLowerCase() === 'pk'),
      ...(at !== -1 && tokens[at + 1] !== undefined ? {default: tokens[at + 1]} : {}),
      pk: tokens.some(t => t.toLowerCase() === 'pk'),
      unique: tokens.filter(t => /^unique(\(|$)/i.test(t)).map(t => /\((\w+)\)/.exec(t)?.[1] ?? ''),
      field,
    })
  }
  return result
}

function tableSql(table: string, struct: GoStruct): string[] {
  const cols = columns(struct)
  // xorm's convention: without a pk tag, an int64 field named Id is the auto-increment key.
  const id = cols.find(c => c.name === 'id' && c.type === 'bigint')
  if (!cols.some(c => c.pk) && id) Object.assign(id, {pk: true, notNull: true, type: 'bigserial'})
  const q = (name: string) => `"${name.replaceAll('"', '""')}"`
  const lines = cols.map(
    c => `  ${q(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}${c.default === undefined ? '' : ` DEFAULT ${pgDefault(c.default, c.type)}`}`,
  )
  const pk = cols.filter(c => c.pk)
  if (pk.length > 0) lines.push(`  PRIMARY KEY (${pk.map(c => q(c.name)).join(', ')})`)
  const statements = [`CREATE TABLE ${q(table)} (\n${lines.join(',\n')}\n);`]
  const groups = new Map<string, string[]>()
  for (const c of cols) for (const group of c.unique) groups.set(group || c.name, [...(groups.get(group || c.name) ?? []), c.name])
  for (const [group, names] of groups) statements.push(`CREATE UNIQUE INDEX ${q(`UQE_${table}_${group}`)} ON ${q(table)} (${names.map(q).join(', ')});`)
  return statements
}

function tagTokens(tag: string | undefined): string[] {
  const xorm = /xorm:"([^"]*)"/.exec(tag ?? '')?.[1] ?? ''
  return xorm.match(/'[^']*'|\w+\([^)]*\)|\S+/g) ?? []
}

function pgType(sqlType: string | undefined, goType: string): string {
  if (sqlType) {
    const size = /\((\d+)\)/.exec(sqlType)?.[1]
    if (/^(VARCHAR|CHAR)/.test(sqlType)) return size ? `character varying(${size})` : 'character varying(255)'
    if (/TEXT|JSON/.test(sqlType)) return 'text'
    if (/BLOB|VARBINARY/.test(sqlType)) return 'bytea'
    if (sqlType.startsWith('BIGINT')) return 'bigint'
    if (sqlType.startsWith('SMALLINT')) return 'smallint'
    if (sqlType.startsWith('INT')) return 'integer'
    if (sqlType.startsWith('BOOL')) return 'boolean'
    if (sqlType.startsWith('UUID')) return 'uuid'
  }
  const base = goType.replace(/^\*/, '')
  if (/^u?int64$/.test(base) || /(TimeStamp|Duration)$/.test(base)) return 'bigint'
  if (/^u?int(8|16|32)?$/.test(base)) return 'integer'
  if (base === 'string') return 'character varying(255)'
  if (base === 'bool') return 'boolean'
  if (/^float(32|64)$/.test(base)) return 'double precision'
  if (base === '[]byte') return 'bytea'
  if (/time\.Time$/.test(base)) return 'timestamp without time zone'
  return 'text'
}

function pgDefault(value: string, type: string): string {
  if (/^null$/i.test(value)) return 'NULL'
  if (/^'.*'$/.test(value) || /^-?\d+(\.\d+)?$/.test(value)) return type === 'boolean' ? (value === '1' ? 'true' : value === '0' ? 'false' : value) : value
  if (/^(true|false)$/i.test(value)) return value.toLowerCase()
  return `'${value}'`
}

async function main(): Promise<void> {
  const read = async (dirs: string[]) =>
    Promise.all((await Promise.all(dirs.map(goFiles))).flat().map(async file => ({file, text: await readFile(file, 'utf8')})))
  const sources = await read(roots)
  const declared = goStructs([...sources, ...(await read(args.types ?? []))])
  structs = declared.structs
  namedTypes = declared.namedTypes
  const tableNames = new Map<string, string>()
  const registered: string[] = []
  for (const {file, text} of sources) {
    const pkg = dirname(file)
    for (const [, receiver, name] of text.matchAll(/func \((?:\w+\s+)?\*?(\w+)\)\s*TableName\(\)\s*string\s*\{\s*return\s+"([^"]+)"/g))
      tableNames.set(`${pkg}.${receiver}`, name!)
    for (const [, name] of text.matchAll(/RegisterModel\(new\((\w+)\)/g)) registered.push(`${pkg}.${name}`)
  }

  const out: string[] = []
  for (const key of registered) {
    const struct = structs.get(key)
    if (!struct) continue
    out.push(...tableSql(tableNames.get(key) ?? gonicCasedName(struct.name), struct))
  }
  await writeFile(args.out!, `${out.join('\n')}\n`)
  process.stderr.write(`${args.out}: ${registered.length} registered models, ${structs.size} structs read\n`)
}

await main()
