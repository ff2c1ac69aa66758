/**
 * Turns Django model modules into the PostgreSQL DDL Django creates for them:
 * `app_model` tables (or `Meta.db_table`), fields of abstract bases first,
 * multi-table inheritance through `<parent>_ptr_id`, foreign keys and
 * one-to-ones as `<name>_id` of the target's key type, many-to-many join
 * tables, `unique`/`unique_together`/`UniqueConstraint` (with `Upper`/`Lower`
 * expressions and simple `Q` conditions) as unique indexes. The contrib bases
 * AbstractBaseUser and PermissionsMixin contribute their fields; references to
 * contrib models keep their column without a foreign key.
 *
 *   tsx test/corpus/tools/from-django-models.ts --out schema.sql --auto bigint APP=models.py...
 */
import {readFile, writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'

import {djangoClasses, moduleConstants, type DjangoClass, type DjangoField} from './django-classes.js'
import {expressionText, type PyValue} from './python-args.js'

const {values: args, positionals} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}, auto: {type: 'string'}}})
if (!args.out || positionals.length === 0) throw new Error('usage: from-django-models.ts --out FILE [--auto bigint|integer] APP=FILE...')
const autoKey = args.auto === 'integer' ? 'integer' : 'bigint'

const CONTRIB: Record<string, DjangoField[]> = {
  AbstractBaseUser: [field('password', 'CharField', {max_length: 128}), field('last_login', 'DateTimeField', {null: true})],
  PermissionsMixin: [field('is_superuser', 'BooleanField', {}), field('groups', 'ManyToManyField', {}, ['auth.Group']),
    field('user_permissions', 'ManyToManyField', {}, ['auth.Permission'])],
}
const CONTRIB_TABLES: Record<string, string> = {'auth.Group': 'auth_group', 'auth.Permission': 'auth_permission', ContentType: 'django_content_type', Group: 'auth_group'}

const classes = new Map<string, DjangoClass>()
const constants = new Map<string, number>()
for (const spec of positionals) {
  const [app = '', file = ''] = spec.split('=')
  const source = await readFile(file, 'utf8')
  for (const [name, value] of Object.entries(moduleConstants(source))) constants.set(name, value)
  for (const c of djangoClasses(source, app)) if (!classes.has(c.name)) classes.set(c.name, c)
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`
const tables: string[] = []
const constraints: string[] = []
for (const model of [...classes.values()].filter(c => isModel(c) && c.meta.abstract !== true)) tables.push(...tableSql(model))
await writeFile(args.out, `${[...tables, ...constraints].join('\n')}\n`)
process.stderr.write(`${args.out}: ${tables.filter(t => t.startsWith('CREATE TABLE')).length} tables\n`)

function field(name: string, kind: string, keywords: Record<string, PyValue>, positional: PyValue[] = []): DjangoField {
  return {name, kind, args: {positional, keywords}}
}

function isModel(c: DjangoClass | undefined, seen = 0): boolean {
  if (!c || seen > 20) return false
  return c.bases.some(b => b === 'models.Model' || b === 'Model' || b in CONTRIB || isModel(classes.get(b), seen + 1))
}

function tableName(c: DjangoClass): string {
  return typeof c.meta.db_table === 'string' ? c.meta.db_table : `${c.app}_${c.name.toLowerCase()}`
}

/** Fields in Django's order: those of abstract bases (recursively), then the class's own; a concrete parent becomes a pointer. */
function allFields(c: DjangoClass): {fields: DjangoField[]; parent?: DjangoClass} {
  const result: DjangoField[] = []
  let parent: DjangoClass | undefined
  for (const base of c.bases) {
    result.push(...(CONTRIB[base] ?? []))
    const b = classes.get(base)
    if (!b || !isModel(b)) continue
    if (b.meta.abstract === true) result.push(...allFields(b).fields)
    else parent = b
  }
  for (const f of c.fields) {
    const at = result.findIndex(r => r.name === f.name)
    if (at === -1) result.push(f)
    else result[at] = f
  }
  return {fields: result, parent}
}

function target(f: DjangoField, owner?: DjangoClass): DjangoClass | string {
  const raw = f.args.positional[0] ?? f.args.keywords.to
  const name = typeof raw === 'string' ? raw : expressionText(raw) ?? ''
  if (name === 'self' && owner) return owner
  if (name === 'settings.AUTH_USER_MODEL') return classes.get('UserProfile') ?? name
  const bare = name.split('.').pop()!
  return classes.get(bare) ?? CONTRIB_TABLES[name] ?? CONTRIB_TABLES[bare] ?? name
}

function primaryKey(c: DjangoClass): {name: string; type: string} {
  const {fields: fs, parent} = allFields(c)
  const explicit = fs.find(f => f.args.keywords.primary_key === true)
  if (explicit) return {name: column(explicit), type: keyType(columnType(explicit, c))}
  if (parent) return {name: `${parent.name.toLowerCase()}_ptr_id`, type: primaryKey(parent).type}
  return {name: 'id', type: autoKey}
}

/** A field's column type; a reference takes the type of its target's key. */
function columnType(f: DjangoField, owner?: DjangoClass): string {
  if (!['ForeignKey', 'OneToOneField'].includes(f.kind)) return sqlType(f, owner)
  const to = target(f, owner)
  return typeof to === 'string' ? 'integer' : to === owner ? primaryKey(owner).type : primaryKey(to).type
}

function keyType(type: string): string {
  return type === 'serial' ? 'integer' : type === 'bigserial' ? 'bigint' : type
}

function column(f: DjangoField): string {
  const dbColumn = f.args.keywords.db_column
  if (typeof dbColumn === 'string') return dbColumn
  return ['ForeignKey', 'OneToOneField'].includes(f.kind) ? `${f.name}_id` : f.name
}

/** An integer option, written as a number or as a constant of the class, another class (`Realm.MAX_…`) or the module. */
function integerOption(value: PyValue | undefined, owner?: DjangoClass): number | undefined {
  if (typeof value === 'number') return value
  const name = expressionText(value)
  if (!name) return undefined
  const [scope, constant] = name.includes('.') ? name.split('.') : [undefined, name]
  return (scope ? classConstant(classes.get(scope), constant ?? '') : classConstant(owner, name)) ?? constants.get(name)
}

/** A constant of a class or of one of its bases, as Python looks it up. */
function classConstant(c: DjangoClass | undefined, name: string, depth = 0): number | undefined {
  if (!c || depth > 20) return undefined
  return c.constants[name] ?? c.bases.map(b => classConstant(classes.get(b), name, depth + 1)).find(v => v !== undefined)
}

function sqlType(f: DjangoField, owner?: DjangoClass): string {
  const k = f.args.keywords
  const max = integerOption(k.max_length, owner)
  switch (f.kind) {
    case 'AutoField': return 'serial'
    case 'BigAutoField': return 'bigserial'
    case 'CharField': return max ? `character varying(${max})` : 'character varying'
    case 'EmailField': return `character varying(${max ?? 254})`
    case 'URLField': return `character varying(${max ?? 200})`
    case 'SlugField': return `character varying(${max ?? 50})`
    case 'FileField':
    case 'ImageField': return `character varying(${max ?? 100})`
    case 'TextField': return 'text'
    case 'BooleanField':
    case 'NullBooleanField': return 'boolean'
    case 'IntegerField':
    case 'PositiveIntegerField': return 'integer'
    case 'SmallIntegerField':
    case 'PositiveSmallIntegerField': return 'smallint'
    case 'BigIntegerField':
    case 'PositiveBigIntegerField':
    case 'BitField': return 'bigint'
    case 'FloatField': return 'double precision'
    case 'DecimalField': return `numeric(${k.max_digits ?? 10},${k.decimal_places ?? 0})`
    case 'DateTimeField': return 'timestamp with time zone'
    case 'DateField': return 'date'
    case 'TimeField': return 'time without time zone'
    case 'DurationField': return 'interval'
    case 'UUIDField': return 'uuid'
    case 'BinaryField': return 'bytea'
    case 'JSONField': return 'jsonb'
    case 'GenericIPAddressField': return 'inet'
    case 'SearchVectorField': return 'tsvector'
    default: return 'text'
  }
}

function tableSql(model: DjangoClass): string[] {
  const table = tableName(model)
  const {fields: fs, parent} = allFields(model)
  const pk = primaryKey(model)
  const lines: string[] = []
  const uniques: Array<{columns: string[]; expressions?: string[]; where?: string}> = []
  if (!fs.some(f => f.args.keywords.primary_key === true)) {
    lines.push(`  ${q(pk.name)} ${parent ? pk.type : pk.type === 'bigint' ? 'bigserial' : 'serial'} NOT NULL`)
    if (parent) constraints.push(`ALTER TABLE ${q(table)} ADD FOREIGN KEY (${q(pk.name)}) REFERENCES ${q(tableName(parent))} (${q(primaryKey(parent).name)}) ON DELETE CASCADE;`)
  }
  const statements: string[] = []
  for (const f of fs) {
    if (f.kind === 'ManyToManyField') {
      if (f.args.keywords.through === undefined) statements.push(...joinTable(model, table, f))
      continue
    }
    const name = column(f)
    const to = ['ForeignKey', 'OneToOneField'].includes(f.kind) ? target(f, model) : undefined
    const type = f.args.keywords.primary_key === true ? keyType(columnType(f, model)) : columnType(f, model)
    const nullable = f.args.keywords.null === true && f.args.keywords.primary_key !== true
    lines.push(`  ${q(name)} ${type}${nullable ? '' : ' NOT NULL'}`)
    if (f.args.keywords.unique === true || f.kind === 'OneToOneField') uniques.push({columns: [name]})
    if (to !== undefined && typeof to !== 'string') {
      const onDelete = ({'models.CASCADE': 'CASCADE', CASCADE: 'CASCADE', 'models.SET_NULL': 'SET NULL', SET_NULL: 'SET NULL'} as Record<string, string>)[expressionText(f.args.keywords.on_delete) ?? ''] ?? 'NO ACTION'
      constraints.push(`ALTER TABLE ${q(table)} ADD FOREIGN KEY (${q(name)}) REFERENCES ${q(tableName(to))} (${q(primaryKey(to).name)}) ON DELETE ${onDelete};`)
    }
  }
  lines.push(`  PRIMARY KEY (${q(pk.name)})`)
  const columnOf = (fieldName: string) => {
    const f = fs.find(x => x.name === fieldName)
    return f ? column(f) : fieldName
  }
  for (const group of togetherGroups(model.meta.unique_together)) uniques.push({columns: group.map(columnOf)})
  for (const constraint of Array.isArray(model.meta.constraints) ? model.meta.constraints : []) {
    const text = expressionText(constraint) ?? ''
    if (!/UniqueConstraint\(/.test(text)) continue
    const unique = uniqueConstraint(text, columnOf)
    if (unique) uniques.push(unique)
  }
  statements.unshift(`CREATE TABLE ${q(table)} (\n${lines.join(',\n')}\n);`)
  for (const [n, u] of uniques.entries()) {
    const parts = [...u.columns.map(q), ...(u.expressions ?? [])]
    statements.push(`CREATE UNIQUE INDEX ${q(`${table}_uniq_${n}`.slice(0, 63))} ON ${q(table)} (${parts.join(', ')})${u.where ? ` WHERE ${u.where}` : ''};`)
  }
  return statements
}

function togetherGroups(value: PyValue | undefined): string[][] {
  if (!Array.isArray(value) || value.length === 0) return []
  if (value.every(v => typeof v === 'string')) return [value as string[]]
  return value.filter(Array.isArray).map(group => group.filter((v): v is string => typeof v === 'string'))
}

function uniqueConstraint(text: string, columnOf: (name: string) => string): {columns: string[]; expressions?: string[]; where?: string} | null {
  const fieldsList = /fields=\[([^\]]*)\]/.exec(text)?.[1]
  const columns = fieldsList ? [...fieldsList.matchAll(/["'](\w+)["']/g)].map(m => columnOf(m[1]!)) : []
  const expressions = [...text.matchAll(/\b(Upper|Lower)\(\s*(?:F\(\s*)?["'](\w+)["']\s*\)?\s*\)/g)].map(m => `${m[1]!.toLowerCase()}(${q(columnOf(m[2]!))})`)
  if (!fieldsList) {
    const inner = text.slice(text.indexOf('(') + 1)
    for (const m of inner.replace(/\b(Upper|Lower)\((?:[^()]|\([^()]*\))*\)/g, '').matchAll(/(?:^|,)\s*["'](\w+)["']/g)) columns.push(columnOf(m[1]!))
  }
  const condition = /condition=Q\(([^)]*)\)/.exec(text)?.[1]
  let where: string | undefined
  if (condition) {
    const simple = [...condition.matchAll(/(\w+?)(__isnull)?=(True|False|None|-?\d+|["'][^"']*["'])/g)]
    if (simple.length === 0) return null
    where = simple.map(([, name = '', isnull, value = '']) => isnull ? `${q(columnOf(name))} IS ${value === 'True' ? '' : 'NOT '}NULL`
      : `${q(columnOf(name))} ${value === 'None' ? 'IS NULL' : `= ${value.replace(/^["']|["']$/g, "'")}`}`).join(' AND ')
  }
  return columns.length + expressions.length === 0 ? null : {columns, ...(expressions.length ? {expressions} : {}), ...(where ? {where} : {})}
}

function joinTable(model: DjangoClass, table: string, f: DjangoField): string[] {
  const to = target(f, model)
  const self = typeof to !== 'string' && to.name === model.name
  const from = self ? `from_${model.name.toLowerCase()}_id` : `${model.name.toLowerCase()}_id`
  const toName = typeof to === 'string' ? to.replace(/^auth_/, '') : to.name.toLowerCase()
  const toColumn = self ? `to_${toName}_id` : `${toName}_id`
  const join = typeof f.args.keywords.db_table === 'string' ? f.args.keywords.db_table : `${table}_${f.name}`
  const toType = typeof to === 'string' ? 'integer' : primaryKey(to).type
  if (typeof to !== 'string') constraints.push(`ALTER TABLE ${q(join)} ADD FOREIGN KEY (${q(toColumn)}) REFERENCES ${q(tableName(to))} (${q(primaryKey(to).name)});`)
  constraints.push(`ALTER TABLE ${q(join)} ADD FOREIGN KEY (${q(from)}) REFERENCES ${q(table)} (${q(primaryKey(model).name)});`)
  return [`CREATE TABLE ${q(join)} (\n  "id" ${autoKey === 'bigint' ? 'bigserial' : 'serial'} NOT NULL,\n  ${q(from)} ${primaryKey(model).type} NOT NULL,\n  ${q(toColumn)} ${toType} NOT NULL,\n  PRIMARY KEY ("id")\n);`,
    `CREATE UNIQUE INDEX ${q(`${join}_uniq`.slice(0, 63))} ON ${q(join)} (${q(from)}, ${q(toColumn)});`]
}
