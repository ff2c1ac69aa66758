/**
 * Laravel schema builder calls as PostgreSQL DDL, following what Laravel's
 * PostgresGrammar emits: `Schema::create`/`Schema::table` closures of
 * `$table->…()` chains become CREATE/ALTER TABLE statements, with Laravel's
 * own names for unique and foreign-key constraints (so that a later
 * `dropForeign`/`dropUnique` finds them).
 */
import {splitArgs, splitTopLevel} from './django-parse.js'

interface Link {
  method: string
  args: string[]
}

/** `'text'` / `"text"` → text; `['a', 'b']` → [a, b]. */
export function phpValue(text: string | undefined): string | string[] | undefined {
  const t = (text ?? '').trim()
  if (t.startsWith('[')) return splitArgs(t.slice(1, -1)).map(item => phpValue(item) as string)
  const match = /^(['"])((?:\\.|(?!\1)[\s\S])*)\1$/.exec(t)
  if (!match) return t === '' ? undefined : t
  return match[1] === "'" ? match[2]!.replace(/\\(['\\])/g, '$1') : match[2]!.replace(/\\(["\\$])/g, '$1').replace(/\\n/g, '\n')
}

const list = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value])
const ident = (name: string) =>
  name
    .split('.')
    .map(part => `"${part.replace(/"/g, '""')}"`)
    .join('.')
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`

/** Laravel's index name: `{table}_{columns}_{type}`, lower case, dots and dashes as underscores. */
export const laravelIndexName = (table: string, columns: string[], type: string) => `${table}_${columns.join('_')}_${type}`.replace(/[.-]/g, '_').toLowerCase()

/** Splits `$table->string('x')->nullable()->default('a')` into its links. */
function chain(statement: string): Link[] {
  const links: Link[] = []
  const pattern = /->\s*(\w+)\s*\(/g
  let match: RegExpExecArray | null
  while ((match = pattern.exec(statement))) {
    let depth = 1
    let i = pattern.lastIndex
    let quote: string | null = null
    for (; i < statement.length && depth > 0; i++) {
      const c = statement[i]!
      if (quote) {
        if (c === '\\') i++
        else if (c === quote) quote = null
      } else if (c === '"' || c === "'") quote = c
      else if (c === '(') depth++
      else if (c === ')') depth--
    }
    links.push({method: match[1]!, args: splitArgs(statement.slice(pattern.lastIndex, i - 1))})
    pattern.lastIndex = i
  }
  return links
}

const TYPES: Record<string, (args: string[]) => string> = {
  increments: () => 'serial',
  bigIncrements: () => 'bigserial',
  smallIncrements: () => 'smallserial',
  id: () => 'bigserial',
  integer: () => 'integer',
  unsignedInteger: () => 'integer',
  bigInteger: () => 'bigint',
  unsignedBigInteger: () => 'bigint',
  foreignId: () => 'bigint',
  smallInteger: () => 'smallint',
  unsignedSmallInteger: () => 'smallint',
  tinyInteger: () => 'smallint',
  unsignedTinyInteger: () => 'smallint',
  string: a => `character varying(${a[1] ?? 255})`,
  char: a => `character(${a[1] ?? 255})`,
  text: () => 'text',
  mediumText: () => 'text',
  longText: () => 'text',
  boolean: () => 'boolean',
  date: () => 'date',
  dateTime: a => `timestamp(${a[1] ?? 0}) without time zone`,
  timestamp: a => `timestamp(${a[1] ?? 0}) without time zone`,
  dateTimeTz: a => `timestamp(${a[1] ?? 0}) with time zone`,
  timestampTz: a => `timestamp(${a[1] ?? 0}) with time zone`,
  time: a => `time(${a[1] ?? 0}) without time zone`,
  json: () => 'json',
  jsonb: () => 'jsonb',
  decimal: a => `numeric(${a[1] ?? 8}, ${a[2] ?? 2})`,
  float: () => 'double precision',
  double: () => 'double precision',
  uuid: () => 'uuid',
  ipAddress: () => 'inet',
  macAddress: () => 'macaddr',
  binary: () => 'bytea',
  year: () => 'integer',
}

/** A default Laravel would write; one computed in PHP (a variable, a constant) is left out. */
function defaultSql(value: string): string | undefined {
  const v = value.trim()
  if (/^(true|false)$/i.test(v)) return v.toLowerCase()
  if (/^-?\d+(\.\d+)?$/.test(v)) return v
  if (/^null$/i.test(v)) return 'NULL'
  const raw = /DB::raw\(([\s\S]*)\)$/.exec(v)
  if (raw) return phpValue(raw[1]) as string
  if (!/^'|^"[^$]*"$/.test(v)) return undefined
  const text = phpValue(v)
  return typeof text === 'string' ? literal(text) : undefined
}

/** DDL for one `$table->…` statement inside a Schema::create/table closure. */
function statementSql(table: string, statement: string, creating: boolean, columns: string[], after: string[], hasPrimary: boolean): void {
  const links = chain(statement)
  const [head, ...mods] = links
  if (!head) return
  const first = list(phpValue(head.args[0]))
  const has = (name: string) => mods.find(m => m.method === name)
  const add = (definition: string) => (creating ? columns.push(definition) : after.push(`ALTER TABLE ${ident(table)} ADD COLUMN ${definition};`))
  switch (head.method) {
    case 'timestamps':
    case 'nullableTimestamps':
    case 'timestampsTz':
      for (const c of ['created_at', 'updated_at']) add(`${ident(c)} timestamp(0) ${head.method === 'timestampsTz' ? 'with' : 'without'} time zone`)
      return
    case 'softDeletes':
    case 'softDeletesTz':
      add(`${ident(first[0] ?? 'deleted_at')} timestamp(0) without time zone`)
      return
    case 'rememberToken':
      add('"remember_token" character varying(100)')
      return
    case 'morphs':
    case 'nullableMorphs':
      add(`${ident(`${first[0]}_type`)} character varying(255)${head.method === 'morphs' ? ' NOT NULL' : ''}`)
      add(`${ident(`${first[0]}_id`)} bigint${head.method === 'morphs' ? ' NOT NULL' : ''}`)
      return
    case 'primary':
      after.push(`ALTER TABLE ${ident(table)} ADD PRIMARY KEY (${first.map(ident).join(', ')});`)
      return
    case 'unique':
      after.push(
        `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident((phpValue(head.args[1]) as string) ?? laravelIndexName(table, first, 'unique'))} UNIQUE (${first.map(ident).join(', ')});`,
      )
      return
    case 'foreign': {
      const references = list(phpValue(has('references')?.args[0]))
      const on = phpValue(has('on')?.args[0]) as string | undefined
      const onDelete = phpValue(has('onDelete')?.args[0]) as string | undefined
      if (!on || references.length === 0) return
      const name = (phpValue(head.args[1]) as string | undefined) ?? laravelIndexName(table, first, 'foreign')
      after.push(
        `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(name)} FOREIGN KEY (${first.map(ident).join(', ')}) REFERENCES ${ident(on)} (${references.map(ident).join(', ')})${onDelete ? ` ON DELETE ${onDelete.toUpperCase()}` : ''};`,
      )
      return
    }
    case 'dropForeign':
    case 'dropUnique':
    case 'dropPrimary':
    case 'dropIndex': {
      const arg = phpValue(head.args[0])
      const type = {dropForeign: 'foreign', dropUnique: 'unique', dropPrimary: 'pkey', dropIndex: 'index'}[head.method]!
      const name = Array.isArray(arg) ? laravelIndexName(table, arg, type) : (arg ?? `${table.replace(/.*\./, '')}_pkey`)
      after.push(
        head.method === 'dropIndex'
          ? `DROP INDEX IF EXISTS ${ident(table.includes('.') ? `${table.split('.')[0]}.${name}` : name)};`
          : `ALTER TABLE ${ident(table)} DROP CONSTRAINT IF EXISTS ${ident(name)};`,
      )
      return
    }
    case 'dropColumn':
      for (const c of list(phpValue(head.args.length > 1 ? `[${head.args.join(',')}]` : head.args[0])))
        after.push(`ALTER TABLE ${ident(table)} DROP COLUMN IF EXISTS ${ident(c)};`)
      return
    case 'dropTimestamps':
      after.push(`ALTER TABLE ${ident(table)} DROP COLUMN IF EXISTS "created_at", DROP COLUMN IF EXISTS "updated_at";`)
      return
    case 'dropSoftDeletes':
      after.push(`ALTER TABLE ${ident(table)} DROP COLUMN IF EXISTS "deleted_at";`)
      return
    case 'renameColumn':
      after.push(`ALTER TABLE ${ident(table)} RENAME COLUMN ${ident(first[0]!)} TO ${ident(phpValue(head.args[1]) as string)};`)
      return
    case 'index':
    case 'spatialIndex':
    case 'fullText':
      return
  }
  const typeOf = head.method === 'addColumn' ? TYPES[phpValue(head.args[0]) as string] : TYPES[head.method]
  if (!typeOf) return
  const name = head.method === 'addColumn' ? (phpValue(head.args[1]) as string) : head.method === 'id' ? (first[0] ?? 'id') : first[0]!
  const type = typeOf(head.args.map(a => phpValue(a) as string))
  // Laravel makes an increments column the key only when the blueprint names no primary key of its own.
  const isKey = /serial$/.test(type) && !hasPrimary
  const nullable = has('nullable') !== undefined
  const given = has('default') ? defaultSql(has('default')!.args[0] ?? 'null') : undefined
  const defaultValue = given !== undefined ? ` DEFAULT ${given}` : has('useCurrent') ? ' DEFAULT CURRENT_TIMESTAMP' : ''
  if (has('change')) {
    after.push(
      `ALTER TABLE ${ident(table)} ALTER COLUMN ${ident(name)} TYPE ${type.replace(/serial$/, 'int')} USING ${ident(name)}::${type.replace(/serial$/, 'int')};`,
      `ALTER TABLE ${ident(table)} ALTER COLUMN ${ident(name)} ${nullable ? 'DROP' : 'SET'} NOT NULL;`,
    )
    return
  }
  add(`${ident(name)} ${type}${defaultValue}${nullable ? '' : ' NOT NULL'}${isKey ? ' PRIMARY KEY' : ''}`)
  if (has('unique')) after.push(`ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(laravelIndexName(table, [name], 'unique'))} UNIQUE (${ident(name)});`)
  if (has('primary')) after.push(`ALTER TABLE ${ident(table)} ADD PRIMARY KEY (${ident(name)});`)
  const constrained = has('constrained')
  if (constrained) {
    const target = (phpValue(constrained.args[0]) as string | undefined) ?? `${name.replace(/_id$/, '')}s`
    const column = (phpValue(constrained.args[1]) as string | undefined) ?? 'id'
    after.push(
      `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${ident(laravelIndexName(table, [name], 'foreign'))} FOREIGN KEY (${ident(name)}) REFERENCES ${ident(target)} (${ident(column)});`,
    )
  }
}

/** DDL for a `Schema::create(table, fn)` (creating) or `Schema::table(table, fn)` closure body. */
export function blueprintSql(table: string, body: string, creating: boolean): string[] {
  const columns: string[] = []
  const after: string[] = []
  const hasPrimary = /\$table->primary\(/.test(body)
  for (const statement of splitTopLevel(body, ';')) if (statement.includes('$table')) statementSql(table, statement, creating, columns, after, hasPrimary)
  return creating ? [`CREATE TABLE ${ident(table)} (\n  ${columns.join(',\n  ')}\n);`, ...after] : after
}
