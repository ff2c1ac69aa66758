/**
 * Turns Django models into the DDL Django's PostgreSQL backend would run:
 * `<app>_<model>` tables (or `db_table`), an `id` serial unless a field is
 * the primary key, fields inherited from abstract bases, `<name>_id` columns
 * and deferrable foreign keys for ForeignKey/OneToOneField, join tables for
 * ManyToManyField without `through`, UNIQUE constraints for `unique`,
 * `unique_together` and UniqueConstraint (a unique index when it has a
 * condition). Money fields that are only Python properties have no column.
 *
 *   tsx test/corpus/tools/from-django.ts ROOT [--auto-field AutoField] > schema.sql
 *
 * ROOT holds the project's package (e.g. `saleor/`); the app label is the
 * first directory under the package, as Django derives it.
 */
import {readdir, readFile} from 'node:fs/promises'
import {join, relative} from 'node:path'

import {quoteIdent} from '../../../src/lib/db/sql.js'
import {Call, PyClass, parseCall, parseModule, pyString, splitArgs} from './django-parse.js'

const CHAR_LENGTHS: Record<string, number | undefined> = {
  CharField: undefined, SlugField: 50, EmailField: 254, URLField: 200, FileField: 100, ImageField: 100, FilePathField: 100, PhoneNumberField: 128, CountryField: 2,
}
const SIMPLE: Record<string, string> = {
  TextField: 'text', CITextField: 'citext', UUIDField: 'uuid', BooleanField: 'boolean', NullBooleanField: 'boolean', IntegerField: 'integer', BigIntegerField: 'bigint',
  SmallIntegerField: 'smallint', PositiveIntegerField: 'integer', PositiveSmallIntegerField: 'smallint', PositiveBigIntegerField: 'bigint', FloatField: 'double precision',
  DateField: 'date', DateTimeField: 'timestamp with time zone', TimeField: 'time without time zone', DurationField: 'interval', JSONField: 'jsonb',
  GenericIPAddressField: 'inet', IPAddressField: 'inet', BinaryField: 'bytea', HStoreField: 'hstore', SearchVectorField: 'tsvector', MeasurementField: 'double precision',
  AutoField: 'serial', BigAutoField: 'bigserial', SmallAutoField: 'smallserial',
}
const RELATIONS = new Set(['ForeignKey', 'OneToOneField', 'ManyToManyField', 'TreeForeignKey', 'TreeOneToOneField', 'TreeManyToManyField'])
const NO_COLUMN = new Set(['MoneyField', 'TaxedMoneyField', 'GenericForeignKey', 'GenericRelation'])
/** Bases from Django and libraries, with the fields they bring. */
const LIBRARY_BASES: Record<string, Array<[string, string]>> = {
  Model: [], AbstractBaseUser: [['password', 'character varying(128) NOT NULL'], ['last_login', 'timestamp with time zone']],
  MPTTModel: [['lft', 'integer NOT NULL'], ['rght', 'integer NOT NULL'], ['tree_id', 'integer NOT NULL'], ['level', 'integer NOT NULL']],
}
/** Models of Django itself that application models point at. */
const DJANGO_TABLES: Record<string, string> = {
  ContentType: 'CREATE TABLE "django_content_type" ("id" serial PRIMARY KEY, "app_label" character varying(100) NOT NULL, "model" character varying(100) NOT NULL, UNIQUE ("app_label", "model"));',
  Site: 'CREATE TABLE "django_site" ("id" serial PRIMARY KEY, "domain" character varying(100) NOT NULL UNIQUE, "name" character varying(50) NOT NULL);',
}
const DJANGO_TABLE_NAMES: Record<string, string> = {ContentType: 'django_content_type', Site: 'django_site'}

interface Model {cls: PyClass; table: string; abstract: boolean}

const last = (dotted: string) => dotted.slice(dotted.lastIndexOf('.') + 1)

export async function djangoToSql(root: string, options: {autoField?: string; userModel?: string} = {}): Promise<string> {
  const classes: PyClass[] = []
  const constants = new Map<string, string>()
  for (const file of await pythonFiles(root)) {
    const source = await readFile(file, 'utf8')
    const app = relative(root, file).split('/')[1] ?? ''
    classes.push(...parseModule(source, app))
    for (const match of source.matchAll(/^([A-Z][A-Z0-9_]*)\s*=\s*(\d+)\s*$/gm)) constants.set(match[1]!, match[2]!)
  }
  // Lengths and precisions are often named constants (`max_length=URL_MAX_LENGTH`, `settings.DEFAULT_MAX_DIGITS`).
  for (const cls of classes) for (const field of cls.fields) for (const [key, value] of Object.entries(field.call.kwargs)) {
    const constant = constants.get(value.replace(/^settings\./, ''))
    if (constant !== undefined) field.call.kwargs[key] = constant
  }
  const byName = new Map<string, PyClass>()
  for (const cls of classes) if (!byName.has(cls.name) || isModelBase(cls)) byName.set(cls.name, cls)
  const fieldClasses = new Map<string, string>()
  for (const cls of classes) {
    const base = cls.bases.map(last).find(b => b in SIMPLE || b in CHAR_LENGTHS || b === 'JSONField')
    if (base) fieldClasses.set(cls.name, base)
  }
  const isModel = (cls: PyClass, seen = new Set<string>()): boolean => !seen.has(cls.name) && cls.bases.some(b => {
    const name = last(b)
    if (name in LIBRARY_BASES || /(^|\.)PeriodicTask$/.test(b)) return true
    const base = byName.get(name)
    return base !== undefined && isModel(base, new Set([...seen, cls.name]))
  })
  const models = new Map<string, Model>()
  for (const cls of classes.filter(c => isModel(c) && c.meta.proxy !== 'True')) {
    const app = pyString(cls.meta.app_label) ?? cls.app
    models.set(cls.name, {cls, table: pyString(cls.meta.db_table) ?? `${app}_${cls.name.toLowerCase()}`, abstract: cls.meta.abstract === 'True'})
  }
  const context = {models, fieldClasses, autoField: options.autoField ?? 'AutoField', userModel: options.userModel ?? 'User'}
  const out: string[] = []
  const after: string[] = []
  const referenced = new Set<string>()
  for (const model of [...models.values()].filter(m => !m.abstract)) {
    const built = buildTable(model, context)
    out.push(...built.statements)
    after.push(...built.foreignKeys)
    for (const target of built.targets) referenced.add(target)
  }
  const library = Object.entries(DJANGO_TABLES).filter(([name]) => referenced.has(name)).map(([, sql]) => sql)
  return `${[...library, ...out, ...after].join('\n')}\n`
}

function isModelBase(cls: PyClass): boolean {
  return cls.bases.some(b => /Model|Mixin|Translation/.test(b))
}

async function pythonFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await pythonFiles(path)))
    else if (entry.name.endsWith('.py')) files.push(path)
  }
  return files.sort()
}

interface Context {models: Map<string, Model>; fieldClasses: Map<string, string>; autoField: string; userModel: string}

/** Fields of a model in Django's order: abstract parents' first (left to right), then its own. */
function allFields(cls: PyClass, context: Context, seen = new Set<string>()): Array<{name: string; call: Call; owner: PyClass}> {
  const fields: Array<{name: string; call: Call; owner: PyClass}> = []
  for (const base of cls.bases.map(last)) {
    const parent = context.models.get(base)
    if (parent?.abstract && !seen.has(base)) fields.push(...allFields(parent.cls, context, new Set([...seen, base])))
  }
  for (const field of cls.fields) {
    const index = fields.findIndex(f => f.name === field.name)
    if (index >= 0) fields.splice(index, 1)
    fields.push({...field, owner: cls})
  }
  return fields
}

/** The model a relation points at: "self", "app.Model", "Model", Model, settings.AUTH_USER_MODEL. */
function targetOf(call: Call, model: Model, context: Context): string {
  const raw = call.kwargs.to ?? call.args[0] ?? ''
  const name = raw.includes('AUTH_USER_MODEL') ? context.userModel : last(pyString(raw) ?? raw)
  return name === 'self' ? model.cls.name : name
}

function primaryKeyOf(model: Model, context: Context): {column: string; type: string} {
  const pk = allFields(model.cls, context).find(f => f.call.kwargs.primary_key === 'True')
  if (pk) return {column: pk.call.kwargs.db_column ? pyString(pk.call.kwargs.db_column)! : RELATIONS.has(last(pk.call.callee)) ? `${pk.name}_id` : pk.name, type: columnType(pk.call, context)}
  const concrete = model.cls.bases.map(last).map(b => context.models.get(b)).find(m => m && !m.abstract)
  if (concrete) return {column: `${concrete.cls.name.toLowerCase()}_ptr_id`, type: 'integer'}
  // A concrete model of a library (django_celery_beat's PeriodicTask): its table is not in the corpus.
  const external = model.cls.bases.find(b => b.includes('.') && !b.startsWith('models.') && !(last(b) in LIBRARY_BASES) && !context.models.has(last(b)))
  if (external) return {column: `${last(external).toLowerCase()}_ptr_id`, type: 'integer'}
  return {column: 'id', type: SIMPLE[context.autoField]!}
}

const serialToPlain = (type: string) => ({serial: 'integer', bigserial: 'bigint', smallserial: 'smallint'})[type] ?? type

function columnType(call: Call, context: Context): string {
  const kind = context.fieldClasses.get(last(call.callee)) ?? last(call.callee)
  if (kind === 'ArrayField') return `${columnType(parseCall(call.kwargs.base_field ?? call.args[0] ?? '')!, context)}[]`
  if (kind === 'DecimalField') return `numeric(${call.kwargs.max_digits},${call.kwargs.decimal_places})`
  if (kind in CHAR_LENGTHS) {
    const length = call.kwargs.max_length ?? (kind === 'CountryField' && call.kwargs.multiple === 'True' ? undefined : CHAR_LENGTHS[kind])
    return length === undefined ? 'character varying' : `character varying(${length})`
  }
  if (kind === 'SanitizedJSONField') return 'jsonb'
  const simple = SIMPLE[kind]
  if (!simple) throw new Error(`unknown field class ${call.callee}`)
  return simple
}

/** A Q(...) condition as SQL, for the simple shapes unique constraints use. */
function conditionSql(text: string, columnFor: (field: string) => string): string {
  const negated = text.trim().startsWith('~')
  const call = parseCall(text.trim().replace(/^~/, ''))!
  const terms = Object.entries(call.kwargs).map(([lookup, value]) => {
    const [field, op] = lookup.split('__') as [string, string | undefined]
    const column = quoteIdent(columnFor(field))
    if (op === 'isnull') return `${column} IS ${value === 'True' ? '' : 'NOT '}NULL`
    if (value === 'None') return `${column} IS NULL`
    const literal = value === 'True' ? 'true' : value === 'False' ? 'false' : pyString(value) !== undefined ? `'${pyString(value)!.replace(/'/g, "''")}'` : value
    return `${column} = ${literal}`
  })
  const sql = terms.join(' AND ')
  return negated ? `NOT (${sql})` : sql
}

function buildTable(model: Model, context: Context): {statements: string[]; foreignKeys: string[]; targets: string[]} {
  const table = quoteIdent(model.table)
  const columns: string[] = []
  const statements: string[] = []
  const foreignKeys: string[] = []
  const targets: string[] = []
  const columnFor = new Map<string, string>()
  const pk = primaryKeyOf(model, context)
  const fields = allFields(model.cls, context)
  const ownPk = fields.some(f => f.call.kwargs.primary_key === 'True')
  if (!ownPk) columns.push(`${quoteIdent(pk.column)} ${pk.type} NOT NULL`)
  const concrete = model.cls.bases.map(last).map(b => context.models.get(b)).find(m => m && !m.abstract)
  if (concrete) foreignKeys.push(`ALTER TABLE ${table} ADD FOREIGN KEY (${quoteIdent(pk.column)}) REFERENCES ${quoteIdent(concrete.table)} (${quoteIdent(primaryKeyOf(concrete, context).column)}) DEFERRABLE INITIALLY DEFERRED;`)
  for (const base of model.cls.bases.map(last)) for (const [name, type] of LIBRARY_BASES[base] ?? []) columns.push(`${quoteIdent(name)} ${type}`)
  const uniques: string[][] = []
  for (const {name, call} of fields) {
    const kind = last(call.callee)
    if (NO_COLUMN.has(kind) || (!RELATIONS.has(kind) && !context.fieldClasses.has(kind) && !(kind in SIMPLE) && !(kind in CHAR_LENGTHS) && !['ArrayField', 'DecimalField', 'SanitizedJSONField'].includes(kind))) continue
    const nullable = call.kwargs.null === 'True'
    const isPk = call.kwargs.primary_key === 'True'
    if (kind === 'ManyToManyField' || kind === 'TreeManyToManyField') {
      if (!call.kwargs.through) {
        const join = joinTable(model, name, targetOf(call, model, context), context)
        statements.push(...join.create)
        foreignKeys.push(...join.foreignKeys)
      }
      targets.push(targetOf(call, model, context))
      continue
    }
    let column = call.kwargs.db_column ? pyString(call.kwargs.db_column)! : name
    let type: string
    if (RELATIONS.has(kind)) {
      const targetName = targetOf(call, model, context)
      const target = context.models.get(targetName)
      const targetTable = target?.table ?? DJANGO_TABLE_NAMES[targetName]
      const toField = pyString(call.kwargs.to_field)
      const targetPk = target ? primaryKeyOf(target, context) : {column: 'id', type: 'integer'}
      const targetColumn = toField ?? targetPk.column
      const targetField = toField && target ? allFields(target.cls, context).find(f => f.name === toField) : undefined
      type = serialToPlain(targetField ? columnType(targetField.call, context) : targetPk.type)
      if (!call.kwargs.db_column) column = `${name}_id`
      targets.push(targetName)
      if (targetTable && call.kwargs.db_constraint !== 'False') {
        foreignKeys.push(`ALTER TABLE ${table} ADD FOREIGN KEY (${quoteIdent(column)}) REFERENCES ${quoteIdent(targetTable)} (${quoteIdent(targetColumn)}) DEFERRABLE INITIALLY DEFERRED;`)
      }
      if (kind.startsWith('OneToOne') || kind === 'TreeOneToOneField') uniques.push([column])
    } else {
      type = columnType(call, context)
    }
    columnFor.set(name, column)
    columns.push(`${quoteIdent(column)} ${type}${nullable && !isPk ? '' : ' NOT NULL'}`)
    if (isPk) columns.push(`PRIMARY KEY (${quoteIdent(column)})`)
    if (call.kwargs.unique === 'True' && !isPk) uniques.push([column])
  }
  if (!ownPk) columns.push(`PRIMARY KEY (${quoteIdent(pk.column)})`)
  const resolve = (field: string) => columnFor.get(field) ?? ([...columnFor.values()].includes(field) ? field : `${field}_id`)
  const together = model.cls.meta.unique_together
  if (together) {
    const groups = splitArgs(together.trim().slice(1, -1))
    const lists = groups.every(g => /^[([]/.test(g)) ? groups.map(g => splitArgs(g.slice(1, -1))) : [groups]
    for (const list of lists) uniques.push(list.map(f => resolve(pyString(f)!)))
  }
  for (const constraint of splitArgs((model.cls.meta.constraints ?? '[]').trim().replace(/^\[|\]$/g, ''))) {
    const call = parseCall(constraint)
    if (!call || last(call.callee) !== 'UniqueConstraint' || !call.kwargs.fields) continue
    const fields = splitArgs(call.kwargs.fields.trim().slice(1, -1)).map(f => resolve(pyString(f)!))
    if (call.kwargs.condition) statements.push(`CREATE UNIQUE INDEX ON ${table} (${fields.map(quoteIdent).join(', ')}) WHERE ${conditionSql(call.kwargs.condition, resolve)};`)
    else uniques.push(fields)
  }
  for (const unique of uniques) columns.push(`UNIQUE (${unique.map(quoteIdent).join(', ')})`)
  return {statements: [`CREATE TABLE ${table} (\n  ${columns.join(',\n  ')}\n);`, ...statements], foreignKeys, targets}
}

function joinTable(model: Model, field: string, targetName: string, context: Context): {create: string[]; foreignKeys: string[]} {
  const target = context.models.get(targetName)
  if (!target) return {create: [], foreignKeys: []}
  const self = target === model
  const from = self ? `from_${model.cls.name.toLowerCase()}_id` : `${model.cls.name.toLowerCase()}_id`
  const to = self ? `to_${target.cls.name.toLowerCase()}_id` : `${target.cls.name.toLowerCase()}_id`
  const table = quoteIdent(`${model.table}_${field}`)
  return {create: [
    `CREATE TABLE ${table} (\n  "id" serial PRIMARY KEY,\n  ${quoteIdent(from)} ${serialToPlain(primaryKeyOf(model, context).type)} NOT NULL,\n  ${quoteIdent(to)} ${serialToPlain(primaryKeyOf(target, context).type)} NOT NULL,\n  UNIQUE (${quoteIdent(from)}, ${quoteIdent(to)})\n);`,
  ], foreignKeys: [
    `ALTER TABLE ${table} ADD FOREIGN KEY (${quoteIdent(from)}) REFERENCES ${quoteIdent(model.table)} (${quoteIdent(primaryKeyOf(model, context).column)}) DEFERRABLE INITIALLY DEFERRED;`,
    `ALTER TABLE ${table} ADD FOREIGN KEY (${quoteIdent(to)}) REFERENCES ${quoteIdent(target.table)} (${quoteIdent(primaryKeyOf(target, context).column)}) DEFERRABLE INITIALLY DEFERRED;`,
  ]}
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const autoField = process.argv.indexOf('--auto-field')
  process.stdout.write(await djangoToSql(process.argv[2]!, {autoField: autoField > 0 ? process.argv[autoField + 1] : undefined}))
}
