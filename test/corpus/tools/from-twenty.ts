/**
 * Turns Twenty's standard workspace objects (the `…WorkspaceEntity` classes
 * of `packages/twenty-server/src/modules/**` / `standard-objects`) into the
 * tables Twenty creates in a workspace schema: a quoted camelCase table per
 * object, composite fields spread over their sub-columns (`nameFirstName`,
 * `emailsPrimaryEmail`, `addressAddressCity`, `createdByWorkspaceMemberId`…),
 * a uuid column and a foreign key for each many-to-one relation whose target
 * is among the objects read, and `searchVector` generated from the object's
 * search fields. The property types do not say which text is a date: names
 * ending in `At` or `Date` are taken as timestamps.
 *
 *   tsx test/corpus/tools/from-twenty.ts --out schema.sql [--schema NAME] DIR
 */
import {readdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {parseArgs} from 'node:util'

import {quoteIdent} from '../../../src/lib/db/sql.js'

interface Property {
  name: string
  type: string
  nullable: boolean
}
interface WorkspaceObject {
  table: string
  properties: Property[]
  searchFields: Array<{name: string; type: string}>
}

/** Sub-columns of Twenty's composite field types. */
const COMPOSITES: Record<string, Array<[string, string]>> = {
  FullNameMetadata: [
    ['FirstName', 'text'],
    ['LastName', 'text'],
  ],
  EmailsMetadata: [
    ['PrimaryEmail', 'text'],
    ['AdditionalEmails', 'jsonb'],
  ],
  PhonesMetadata: [
    ['PrimaryPhoneNumber', 'text'],
    ['PrimaryPhoneCountryCode', 'text'],
    ['PrimaryPhoneCallingCode', 'text'],
    ['AdditionalPhones', 'jsonb'],
  ],
  LinksMetadata: [
    ['PrimaryLinkUrl', 'text'],
    ['PrimaryLinkLabel', 'text'],
    ['SecondaryLinks', 'jsonb'],
  ],
  ActorMetadata: [
    ['Source', 'text'],
    ['WorkspaceMemberId', 'uuid'],
    ['Name', 'text'],
    ['Context', 'jsonb'],
  ],
  AddressMetadata: [
    ['AddressStreet1', 'text'],
    ['AddressStreet2', 'text'],
    ['AddressCity', 'text'],
    ['AddressPostcode', 'text'],
    ['AddressState', 'text'],
    ['AddressCountry', 'text'],
    ['AddressLat', 'numeric'],
    ['AddressLng', 'numeric'],
  ],
  CurrencyMetadata: [
    ['AmountMicros', 'numeric'],
    ['CurrencyCode', 'text'],
  ],
  RichTextV2Metadata: [
    ['Blocknote', 'text'],
    ['Markdown', 'text'],
  ],
}
/** Text sub-columns a composite contributes to the search vector. */
const SEARCHED: Record<string, string[]> = {
  FULL_NAME: ['FirstName', 'LastName'],
  EMAILS: ['PrimaryEmail'],
  PHONES: ['PrimaryPhoneNumber'],
  LINKS: ['PrimaryLinkUrl'],
  RICH_TEXT_V2: ['Markdown'],
  TEXT: [''],
}
const BASE: Property[] = [
  {name: 'id', type: 'string', nullable: false},
  {name: 'createdAt', type: 'string', nullable: false},
  {name: 'updatedAt', type: 'string', nullable: false},
  {name: 'deletedAt', type: 'string', nullable: true},
]

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

export function parseObjects(source: string): Map<string, WorkspaceObject> {
  const constants = new Map([...source.matchAll(/const (\w+) = '(\w+)';/g)].map(m => [m[1]!, m[2]!]))
  const searches = new Map<string, Array<{name: string; type: string}>>()
  for (const match of source.matchAll(/SEARCH_FIELDS_FOR_(\w+)[^=]*=\s*\[([\s\S]*?)\];/g)) {
    const fields = [...match[2]!.matchAll(/name:\s*(\w+),\s*type:\s*FieldMetadataType\.(\w+)/g)].map(f => ({name: constants.get(f[1]!) ?? f[1]!, type: f[2]!}))
    searches.set(match[1]!.replace(/S$/, '').replace(/_/g, '').toLowerCase(), fields)
  }
  const objects = new Map<string, WorkspaceObject>()
  for (const match of source.matchAll(/export class (\w+)WorkspaceEntity(\s+extends BaseWorkspaceEntity)?\s*\{([\s\S]*?)\n\}/g)) {
    const table = lowerFirst(match[1]!)
    const own = [...match[3]!.matchAll(/^\s*(\w+):\s*([^;]+);/gm)].map(p => {
      const type = p[2]!.trim()
      return {name: p[1]!, type: type.replace(/\s*\|\s*null$/, '').trim(), nullable: /\|\s*null$/.test(type)}
    })
    objects.set(table, {
      table,
      properties: match[2] ? [...BASE, ...own.filter(p => !BASE.some(b => b.name === p.name))] : own,
      searchFields: searches.get(table.toLowerCase()) ?? [],
    })
  }
  return objects
}

/** `isKey`: the id, a relation's join column, or another record's id (`userId`, `linkedRecordId`). */
function scalarType(property: Property, isKey: boolean): string {
  const {name, type} = property
  if (isKey) return 'uuid'
  if (type === 'Date' || (type === 'string' && /(At|Date)$/.test(name))) return 'timestamp with time zone'
  if (type === 'string' || /^keyof /.test(type) || /^[A-Z]\w*(Role|Provider|Policy|Status|Stage|Action|Type)$/.test(type)) return 'text'
  if (type === 'number') return 'double precision'
  if (type === 'boolean') return 'boolean'
  if (type === 'string[]') return 'text[]'
  return 'jsonb'
}

export function twentyToSql(objects: Map<string, WorkspaceObject>, schema: string): string {
  const out = [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)};`]
  const after: string[] = []
  const table = (name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`
  for (const object of objects.values()) {
    const relations = new Map<string, string>()
    for (const p of object.properties) {
      const target = /^Relation<\s*(\w+)WorkspaceEntity\s*>$/.exec(p.type)?.[1]
      if (target) relations.set(`${p.name}Id`, lowerFirst(target))
    }
    const columns: string[] = []
    for (const p of object.properties) {
      if (p.type.startsWith('Relation<')) continue
      const composite = COMPOSITES[p.type]
      if (composite) {
        for (const [suffix, type] of composite) columns.push(`${quoteIdent(`${p.name}${suffix}`)} ${type}`)
        continue
      }
      if (p.name === 'searchVector') {
        const parts = object.searchFields.flatMap(f => (SEARCHED[f.type] ?? ['']).map(suffix => `COALESCE(${quoteIdent(`${f.name}${suffix}`)}, '')`))
        columns.push(
          parts.length > 0
            ? `"searchVector" tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, ${parts.join(" || ' ' || ")})) STORED`
            : '"searchVector" tsvector',
        )
        continue
      }
      const type = scalarType(p, p.name === 'id' || relations.has(p.name) || /^(userId|linked\w*Id)$/.test(p.name))
      const defaultValue = p.name === 'id' ? ' DEFAULT gen_random_uuid()' : /^(createdAt|updatedAt)$/.test(p.name) ? ' DEFAULT now()' : ''
      columns.push(`${quoteIdent(p.name)} ${type}${defaultValue}${p.nullable ? '' : ' NOT NULL'}`)
      const target = relations.get(p.name)
      if (target && objects.has(target)) {
        after.push(
          `ALTER TABLE ${table(object.table)} ADD FOREIGN KEY (${quoteIdent(p.name)}) REFERENCES ${table(target)} ("id") ON DELETE ${p.nullable ? 'SET NULL' : 'CASCADE'};`,
        )
      }
    }
    columns.push('PRIMARY KEY ("id")')
    out.push(`CREATE TABLE ${table(object.table)} (\n  ${columns.join(',\n  ')}\n);`)
  }
  return `${[...out, ...after].join('\n')}\n`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const {values: args, positionals} = parseArgs({allowPositionals: true, options: {out: {type: 'string'}, schema: {type: 'string'}}})
  if (!args.out || positionals.length !== 1) throw new Error('usage: from-twenty.ts --out FILE [--schema NAME] DIR')
  const dir = positionals[0]!
  const sources = await Promise.all(
    (await readdir(dir))
      .filter(f => f.endsWith('.ts'))
      .sort()
      .map(f => readFile(join(dir, f), 'utf8')),
  )
  await writeFile(args.out, twentyToSql(parseObjects(sources.join('\n')), args.schema ?? 'workspace'))
}
