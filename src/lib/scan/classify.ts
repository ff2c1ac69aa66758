import type {Category} from '../datamap/schema.js'
import type {ColumnInfo, TableInfo} from '../db/introspect.js'
import {NameVerdict, PersonalCategory, TypeFamily, verdictFromName} from './column-rules.js'
import {classifyJson} from './json-paths.js'
import type {TableContext} from './table-context.js'
import {nameConcepts, nameWords} from './tokens.js'
import {Signal, commonShapes, readValues} from './value-signals.js'

export interface ColumnFinding {
  column: string
  category: Category
  confidence: number
  evidence: string[]
  /** JSON keys that look personal, for json/jsonb columns. */
  jsonKeys?: string[]
  /** The values look like email addresses (used to find implicit references). */
  holdsEmails?: boolean
  /** The shapes of the sampled values (letters and digits masked), for a reviewer. */
  shapes?: string[]
  /** A person should look at it: weak or conflicting evidence. */
  uncertain?: boolean
}

export interface ClassifyContext {
  today: Date
  isKey: boolean
  /** What the column's table holds; without it the column is read as on a table of things. */
  table?: TableContext
  /** Whether a name (`user_session`) is the name of a table: `user_session_id` then refers to it and is a key, not data. */
  isTableName?: (name: string) => boolean
}

const NEUTRAL_TABLE: TableContext = {
  kind: 'thing',
  isPersonLinked: false,
  holdsAddresses: false,
  words: [],
  isMachine: false,
  hasLatitude: false,
  hasValueColumn: false,
}

const FAMILIES: Record<string, TypeFamily> = {
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  citext: 'text',
  name: 'text',
  char: 'text',
  xml: 'text',
  json: 'json',
  jsonb: 'json',
  hstore: 'json',
  bool: 'boolean',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  time: 'timestamp',
  timetz: 'timestamp',
  interval: 'timestamp',
  date: 'date',
  int2: 'number',
  int4: 'number',
  int8: 'number',
  numeric: 'number',
  float4: 'number',
  float8: 'number',
  money: 'number',
  oid: 'number',
  uuid: 'uuid',
  inet: 'network',
  cidr: 'network',
  macaddr: 'network',
  macaddr8: 'network',
  bytea: 'binary',
  tsvector: 'search',
}

/**
 * Columns that are keys and nothing else: foreign keys, and primary keys of
 * numbers or uuids. A primary key of text (a phone number, an e-mail
 * address, an external id in a composite key) is data and is classified.
 */
export function keyColumnsOf(table: TableInfo): Set<string> {
  const surrogate = table.primaryKey.filter(name => ['number', 'uuid'].includes(familyOf(table.columns.find(c => c.name === name)!)))
  return new Set([...surrogate, ...table.foreignKeys.flatMap(fk => fk.columns)])
}

/** `<table>_id` naming a table of the schema: a reference, whether or not a foreign key declares it. */
function referencedTable(column: ColumnInfo, context: ClassifyContext): string | undefined {
  if (!context.isTableName) return undefined
  const words = nameWords(column.name)
  if (words.length < 2 || !['id', 'ids'].includes(words.at(-1)!)) return undefined
  const stem = words.slice(0, -1)
  for (let start = 0; start < stem.length; start++) {
    const name = stem.slice(start).join('_')
    if (
      stem.length - start >= 1 &&
      (context.isTableName(name) || context.isTableName(`${name}s`)) &&
      !['external', 'device', 'provider'].includes(stem[start]!)
    ) {
      return start === 0 || stem.length - start >= 2 ? name : undefined
    }
  }
  return undefined
}

export function familyOf(column: ColumnInfo): TypeFamily {
  return FAMILIES[column.baseType] ?? 'enum'
}

const SECRET_TABLE_HEADS = new Set(['token', 'tokens', 'session', 'sessions'])
const holdsSecretsByName = (table: TableContext) => SECRET_TABLE_HEADS.has(table.nameWords?.at(-1) ?? '')

const round = (n: number) => Math.round(n * 100) / 100

function collectStrings(values: unknown[]): string[] {
  return values
    .map(v =>
      typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'bigint'
          ? String(v)
          : Array.isArray(v)
            ? v.filter(x => typeof x === 'string').join(' ')
            : '',
    )
    .filter(v => v !== '')
}

/** Array values are read element by element. */
function flatten(values: unknown[]): unknown[] {
  return values.flatMap(v => (Array.isArray(v) ? v : [v]))
}

/**
 * Decides what a column holds from its name (as concepts), its type, its
 * table and a sample of its values. The name gives a verdict; values confirm
 * it, overrule a weak one, or find what the name hides. Each piece of
 * evidence raises the confidence of one category; the strongest at 0.5 or
 * more wins.
 */
export function classifyColumn(column: ColumnInfo, values: unknown[] | undefined, context: ClassifyContext): ColumnFinding {
  if (context.isKey) return {column: column.name, category: 'none', confidence: 1, evidence: ['key column']}
  const table = context.table ?? NEUTRAL_TABLE
  const referenced = referencedTable(column, context)
  if (referenced) return {column: column.name, category: 'none', confidence: 0.9, evidence: [`a reference to ${referenced}`]}
  const family = familyOf(column)
  const concepts = new Set(nameConcepts(column.name))
  const verdict: NameVerdict | undefined = verdictFromName({
    concepts,
    words: nameWords(column.name),
    family: column.isArray && family === 'text' ? 'text' : family,
    table,
  })
  const signals: Signal[] = []
  if (verdict && verdict.category !== 'none')
    signals.push({category: verdict.category, confidence: verdict.confidence, evidence: `name "${column.name}": ${verdict.evidence}`})
  if (family === 'network' && column.baseType !== 'cidr' && verdict?.category !== 'none' && !table.isMachine)
    signals.push({category: 'online_id', confidence: 0.8, evidence: `type ${column.type}`})

  const sampled = values && values.length > 0 ? values : undefined
  let jsonKeys: string[] | undefined
  let strings: string[] = []
  let holdsEmails = false
  let rejectedByValues: string | undefined
  if (sampled) {
    if (family === 'json') {
      const json = classifyJson(sampled, table, context.today)
      signals.push(...json.signals)
      strings = json.strings
      if (json.keys.length > 0) jsonKeys = json.keys
    } else {
      strings = collectStrings(column.isArray ? flatten(sampled) : sampled)
    }
    const reading = readValues(strings, column, {today: context.today, isNumeric: family === 'number', isPersonTable: table.kind === 'person'})
    holdsEmails = reading.holdsEmails
    if (family !== 'json') signals.push(...reading.signals)
    if (reading.holdsRoleEmails && table.kind !== 'person')
      rejectedByValues = "the sampled e-mail addresses are role mailboxes (support@, noreply@): an organisation's"
    if (reading.holdsPrivateAddresses && (verdict === undefined || verdict.category === 'none'))
      rejectedByValues = "the sampled addresses are private network addresses: machines'"
    if (
      reading.holdsSecrets &&
      verdict === undefined &&
      ['key', 'code', 'encrypted', 'credential', 'value'].some(w => concepts.has(w)) &&
      table.isPersonLinked &&
      !table.isMachine
    ) {
      signals.push({category: 'credentials', confidence: 0.7, evidence: 'random-looking values under a key or code name'})
    }
    // A table of tokens or sessions: what is random in it is the secret, whatever the column is called (a rotated token's parent);
    // on one tied to no person its own id is the session's handle (tied to a person, the id is a row id beside the token).
    if (
      reading.holdsSecrets &&
      verdict === undefined &&
      holdsSecretsByName(table) &&
      !table.isMachine &&
      (table.isPersonLinked ? nameWords(column.name).join('_') !== 'id' : nameWords(column.name).join('_') === 'id')
    ) {
      signals.push({category: 'credentials', confidence: 0.7, evidence: 'random-looking values on a table of tokens or sessions'})
    }
  }
  const shapes = strings.length > 0 ? commonShapes(strings) : undefined

  if (rejectedByValues && verdict?.category !== 'credentials') {
    return {column: column.name, category: 'none', confidence: 0.8, evidence: [rejectedByValues], holdsEmails, ...(shapes ? {shapes} : {}), uncertain: true}
  }
  const scores = new Map<PersonalCategory, {confidence: number; evidence: string[]}>()
  for (const signal of signals) {
    const current = scores.get(signal.category) ?? {confidence: 0, evidence: []}
    current.confidence = 1 - (1 - current.confidence) * (1 - signal.confidence)
    current.evidence.push(signal.evidence)
    scores.set(signal.category, current)
  }
  let [best] = [...scores.entries()].sort((a, b) => b[1].confidence - a[1].confidence)
  // A name that rules the column out (a flag, a setting, an organisation's) stands unless the values say otherwise strongly.
  if (verdict?.category === 'none' && best && best[1].confidence < 0.85) best = undefined
  if (!best || best[1].confidence < 0.5) {
    const evidence = verdict?.category === 'none' ? [`name "${column.name}": ${verdict.evidence}`] : best ? [`weak: ${best[1].evidence.join('; ')}`] : []
    return {
      column: column.name,
      category: 'none',
      confidence: best ? round(1 - best[1].confidence) : 1,
      evidence,
      holdsEmails,
      ...(shapes ? {shapes} : {}),
      ...(best ? {uncertain: true} : {}),
    }
  }
  const confidence = round(best[1].confidence)
  const disagreeing = verdict && verdict.category !== 'none' && verdict.category !== best[0]
  return {
    column: column.name,
    category: best[0],
    confidence,
    evidence: best[1].evidence,
    ...(jsonKeys ? {jsonKeys} : {}),
    holdsEmails,
    ...(shapes ? {shapes} : {}),
    ...(confidence < 0.75 || disagreeing || !verdict ? {uncertain: true} : {}),
  }
}
