/**
 * Turns Django model modules into the DDL Django's PostgreSQL backend runs
 * for them: `<app>_<model>` tables (or `db_table`); an automatic key of the
 * project's DEFAULT_AUTO_FIELD unless a field (a one-to-one included) is the
 * primary key, or the `<parent>_ptr_id` key of multi-table inheritance;
 * fields of abstract bases (Django's AbstractBaseUser, PermissionsMixin and
 * AbstractUser, django-mptt's MPTTModel among them); `<name>_id` columns of
 * the type of the key they point at, with deferrable foreign keys (Django
 * keeps ON DELETE in Python); join tables for ManyToManyField without
 * `through`; UNIQUE constraints for `unique`, one-to-one fields,
 * `unique_together` and UniqueConstraint, and unique indexes for the
 * UniqueConstraints with a condition or expressions (`Upper(F("email"))`).
 * Django's own models that application models point at (content types,
 * sites, groups, permissions) are added. No column defaults: Django keeps
 * them in Python.
 *
 *   tsx test/corpus/tools/from-django.ts --out schema.sql [--auto BigAutoField] [--user-model account.User] SOURCE...
 *
 * A SOURCE is `APP=PATH` or a PATH whose app label is the directory holding
 * it (the one above a `models/` package); a directory stands for the Python
 * files under it. Integer constants of every module count, so a module that
 * holds only settings or constants may be given too.
 */
import {writeFile} from 'node:fs/promises'
import {parseArgs} from 'node:util'

import {quoteIdent} from '../../../src/lib/db/sql.js'
import {fieldKind, isManyToMany, isOneToOne, last, plainType} from './django-fields.js'
import {DjangoProject, type Model, type ModelField, type ProjectOptions} from './django-models.js'
import {parseCall, parseModule, pyString, splitArgs} from './django-parse.js'
import {constantsOf, sourceFiles} from './django-sources.js'

interface TableSql {
  create: string[]
  foreignKeys: string[]
  targets: Model[]
  skipped: string[]
}

export async function djangoToSql(sources: string[], options: ProjectOptions = {}): Promise<{sql: string; tables: number; skipped: string[]}> {
  const files = await sourceFiles(sources)
  const project = new DjangoProject(
    files.flatMap(f => parseModule(f.source, f.app, f.file)),
    await constantsOf(files),
    options,
  )
  const emitted = new Set<Model>()
  const pending = project.concreteModels().filter(m => !m.library)
  const create: string[] = []
  const foreignKeys: string[] = []
  const skipped: string[] = []
  // Django's own models become tables only when something points at them (and then what they point at).
  while (pending.length > 0) {
    const model = pending.shift()!
    if (emitted.has(model)) continue
    emitted.add(model)
    const table = tableSql(project, model)
    create.push(...table.create)
    foreignKeys.push(...table.foreignKeys)
    skipped.push(...table.skipped)
    pending.push(...table.targets.filter(t => !emitted.has(t)))
  }
  return {sql: `${[...create, ...foreignKeys].join('\n')}\n`, tables: emitted.size, skipped}
}

const q = quoteIdent
const foreignKey = (table: string, column: string, target: string, targetColumn: string) =>
  `ALTER TABLE ${q(table)} ADD FOREIGN KEY (${q(column)}) REFERENCES ${q(target)} (${q(targetColumn)}) DEFERRABLE INITIALLY DEFERRED;`

function tableSql(project: DjangoProject, model: Model): TableSql {
  const out: TableSql = {create: [], foreignKeys: [], targets: [], skipped: []}
  const columns: string[] = []
  const uniques: string[][] = []
  const pk = project.primaryKey(model)
  const fields = project.fields(model)
  if (pk.implicit) {
    columns.push(`${q(pk.column)} ${pk.type} NOT NULL`)
    const parent = project.concreteParent(model)
    if (parent) {
      out.foreignKeys.push(foreignKey(model.table, pk.column, parent.table, project.primaryKey(parent).column))
      out.targets.push(parent)
    }
  }
  for (const field of fields) {
    const kind = fieldKind(field.call.callee, project.fieldClasses)
    if (kind === 'none') continue
    if (kind === 'unknown') {
      if (/Field$/.test(last(field.call.callee))) out.skipped.push(`${model.table}.${field.name}: ${field.call.callee}`)
      continue
    }
    const callee = project.fieldClasses.get(last(field.call.callee)) ?? last(field.call.callee)
    const target = kind === 'relation' ? project.target(field.call, model, field.owner) : undefined
    if (target) out.targets.push(target)
    if (isManyToMany(callee)) {
      if (!field.call.kwargs.through && target) joinTable(project, model, field, target, out)
      continue
    }
    const column = project.columnOf(field)
    const isPk = field.call.kwargs.primary_key === 'True'
    const nullable = field.call.kwargs.null === 'True' && !isPk
    columns.push(
      `${q(column)} ${isPk && kind === 'relation' ? plainType(project.fieldType(field, model)) : project.fieldType(field, model)}${nullable ? '' : ' NOT NULL'}`,
    )
    if (isPk) columns.push(`PRIMARY KEY (${q(column)})`)
    else if (field.call.kwargs.unique === 'True' || isOneToOne(callee)) uniques.push([column])
    if (target && field.call.kwargs.db_constraint !== 'False')
      out.foreignKeys.push(foreignKey(model.table, column, target.table, project.referencedColumn(field, target)))
  }
  if (pk.implicit) columns.push(`PRIMARY KEY (${q(pk.column)})`)
  const columnFor = (name: string) => {
    const field = fields.find(f => f.name === name)
    return field ? project.columnOf(field) : name
  }
  const together = model.cls.meta.unique_together
  if (together) {
    const groups = splitArgs(together.trim().slice(1, -1))
    const lists = groups.every(g => /^[([]/.test(g)) ? groups.map(g => splitArgs(g.slice(1, -1))) : [groups]
    for (const list of lists) uniques.push(list.map(f => columnFor(pyString(f)!)))
  }
  const indexes: string[] = []
  for (const text of splitArgs((model.cls.meta.constraints ?? '[]').trim().replace(/^\[|\]$/g, ''))) {
    const constraint = uniqueConstraint(text, columnFor)
    if (!constraint) continue
    if (constraint.index)
      indexes.push(`CREATE UNIQUE INDEX ON ${q(model.table)} (${constraint.keys.join(', ')})${constraint.where ? ` WHERE ${constraint.where}` : ''};`)
    else uniques.push(constraint.columns)
  }
  for (const unique of uniques) columns.push(`UNIQUE (${unique.map(c => q(c)).join(', ')})`)
  out.create.push(`CREATE TABLE ${q(model.table)} (\n  ${columns.join(',\n  ')}\n);`, ...indexes)
  return out
}

/**
 * A UniqueConstraint: a constraint over `fields`, or an index when it has a condition or expressions
 * (positional arguments: a field name, `F("x")`, `Upper(...)`, `Lower(...)`).
 */
function uniqueConstraint(text: string, columnFor: (field: string) => string): {index: boolean; columns: string[]; keys: string[]; where?: string} | undefined {
  const call = parseCall(text)
  if (!call || last(call.callee) !== 'UniqueConstraint') return undefined
  const columns = call.kwargs.fields ? splitArgs(call.kwargs.fields.trim().slice(1, -1)).map(f => columnFor(pyString(f)!)) : []
  const keys = [...columns.map(c => q(c)), ...call.args.map(arg => expressionSql(arg, columnFor))]
  const where = call.kwargs.condition ? conditionSql(call.kwargs.condition, columnFor) : undefined
  return {index: call.args.length > 0 || where !== undefined, columns, keys, ...(where ? {where} : {})}
}

/** An index expression as Django writes it: a field (by name or `F`), upper- or lower-cased. */
function expressionSql(text: string, columnFor: (field: string) => string): string {
  const name = pyString(text)
  if (name !== undefined) return q(columnFor(name))
  const call = parseCall(text)
  const fn = call ? last(call.callee) : ''
  if (call && fn === 'F') return q(columnFor(pyString(call.args[0])!))
  if (call && (fn === 'Upper' || fn === 'Lower')) return `(${fn.toLowerCase()}(${expressionSql(call.args[0]!, columnFor)}))`
  throw new Error(`unsupported index expression ${text}`)
}

/** A `Q(...)` condition as SQL, for the simple shapes unique constraints use (`~Q`, `field=value`, `field__isnull=`). */
function conditionSql(text: string, columnFor: (field: string) => string): string {
  const negated = text.trim().startsWith('~')
  const call = parseCall(text.trim().replace(/^~/, ''))
  if (!call || !/^(models\.)?Q$/.test(call.callee) || call.args.length > 0 || /\)\s*[&|]/.test(text)) throw new Error(`unsupported condition ${text}`)
  const terms = Object.entries(call.kwargs).map(([lookup, value]) => {
    const [field, op] = lookup.split('__') as [string, string | undefined]
    const column = q(columnFor(field))
    if (op === 'isnull') return `${column} IS ${value === 'True' ? '' : 'NOT '}NULL`
    if (op !== undefined) throw new Error(`unsupported lookup ${lookup}`)
    if (value === 'None') return `${column} IS NULL`
    const string = pyString(value)
    const literal = value === 'True' ? 'true' : value === 'False' ? 'false' : string !== undefined ? `'${string.replace(/'/g, "''")}'` : value
    return `${column} = ${literal}`
  })
  const sql = terms.join(' AND ')
  return negated ? `NOT (${sql})` : sql
}

/** The table Django creates for a ManyToManyField without `through`: its own key, one column per side, unique together. */
function joinTable(project: DjangoProject, model: Model, field: ModelField, target: Model, out: TableSql): void {
  const self = target === model
  const from = self ? `from_${model.cls.name.toLowerCase()}_id` : `${model.cls.name.toLowerCase()}_id`
  const to = self ? `to_${target.cls.name.toLowerCase()}_id` : `${target.cls.name.toLowerCase()}_id`
  const table = pyString(field.call.kwargs.db_table) ?? `${model.table}_${field.name}`
  const key = model.library ? 'serial' : project.autoType
  out.create.push(
    `CREATE TABLE ${q(table)} (\n  "id" ${key} NOT NULL,\n  ${q(from)} ${plainType(project.primaryKey(model).type)} NOT NULL,\n  ` +
      `${q(to)} ${plainType(project.primaryKey(target).type)} NOT NULL,\n  PRIMARY KEY ("id"),\n  UNIQUE (${q(from)}, ${q(to)})\n);`,
  )
  out.foreignKeys.push(
    foreignKey(table, from, model.table, project.primaryKey(model).column),
    foreignKey(table, to, target.table, project.primaryKey(target).column),
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const {values: args, positionals} = parseArgs({
    allowPositionals: true,
    options: {out: {type: 'string'}, auto: {type: 'string'}, 'user-model': {type: 'string'}},
  })
  if (!args.out || positionals.length === 0)
    throw new Error('usage: from-django.ts --out FILE [--auto AutoField|BigAutoField] [--user-model app.Model] SOURCE...')
  const result = await djangoToSql(positionals, {autoField: args.auto, userModel: args['user-model']})
  await writeFile(args.out, result.sql)
  for (const field of result.skipped) process.stderr.write(`left out (unknown field class): ${field}\n`)
  process.stderr.write(`${args.out}: ${result.tables} tables with their join tables\n`)
}
