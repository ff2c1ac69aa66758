import type {SchemaInfo, TableInfo} from '../db/introspect.js'
import {AUTHORED_WORDS, EXTENSION_WORDS, MACHINE_WORDS, ORGANISATION_WORDS, PERSON_WORDS} from './lexicon.js'
import {nameConcepts, nameWords} from './tokens.js'

/**
 * What a table's rows are, read from its name and its columns: people, a
 * person's writing, a health record, an organisation or a thing. A column
 * called `name` or `email` means a person's only on some of these.
 */
export type TableKind = 'person' | 'authored' | 'health' | 'organisation' | 'thing'

export interface TableContext {
  kind: TableKind
  /** Rows belong to a person: a people table, or one that points at people by key or by a person-reference column. */
  isPersonLinked: boolean
  /** The table holds postal addresses (several address parts). */
  holdsAddresses: boolean
  /** The table's own words, as concepts. */
  words: string[]
  /** The table's own words as written (`notes`, not the concept `text`), where the concept is too broad. */
  nameWords?: string[]
  /** The table belongs to an application, integration or machine rather than a person. */
  isMachine: boolean
  /** The table has a latitude column, so a `long` column beside it is a longitude. */
  hasLatitude: boolean
  /** The table has a `value` column: its `key` column names a setting, not a secret. */
  hasValueColumn: boolean
  /** The scan reached the table from the person's row, through any chain of references: its rows belong to a person, if indirectly. */
  isReached?: boolean
}

const PERSON_REFERENCE = new Set([
  'user',
  'person',
  'pessoa',
  'member',
  'customer',
  'contact',
  'owner',
  'author',
  'creator',
  'employee',
  'student',
  'aluno',
  'patient',
  'subscriber',
  'recipient',
  'sender',
  'poster',
  'reporter',
  'assignee',
  'requester',
  'participant',
  'attendee',
  'uid',
  'idpes',
  'pes',
  'servidor',
  'funcionario',
  'profile',
  'doer',
  'actor',
  'reviewer',
  'publisher',
  'pusher',
  'inviter',
  'invitee',
  'blocker',
  'blockee',
])

/** A plural as its singular when only the singular is known (`users` → `user`). */
const singular = (word: string, set: Set<string>) =>
  set.has(word)
    ? word
    : word.endsWith('ies') && set.has(`${word.slice(0, -3)}y`)
      ? `${word.slice(0, -3)}y`
      : word.endsWith('s') && set.has(word.slice(0, -1))
        ? word.slice(0, -1)
        : word
const inSet = (word: string, set: Set<string>) => set.has(singular(word, set))
const inSet_P = (w: string) => inSet(w, PERSON_WORDS)
const inSet_E = (w: string) => inSet(w, EXTENSION_WORDS)
const inSet_O = (w: string) => inSet(w, ORGANISATION_WORDS)
const inSet_M = (w: string) => inSet(w, MACHINE_WORDS)
const inSet_A = (w: string) => inSet(w, AUTHORED_WORDS)

function kindFromName(words: string[]): TableKind | undefined {
  const last = words.at(-1) ?? ''
  const first = words[0] ?? ''
  const health = words.some(w => nameConcepts(w)[0] === 'health')
  if (health) return 'health'
  // A join table (`AttributeToUser`) or a table of templates holds no one's data of its own.
  if (words.includes('to') || words.some(w => ['template', 'templates', 'canned', 'preset', 'presets', 'macro', 'macros', 'saved'].includes(w))) return 'thing'
  if (inSet_P(last) && !(words.length > 1 && inSet_M(words.at(-2)!))) return 'person'
  if (inSet_E(last) && words.slice(0, -1).some(w => inSet_P(w))) return 'person'
  if (inSet_A(last)) return 'authored'
  if (inSet_O(last) || inSet_M(last)) return 'organisation'
  // Languages that put the head noun first (pessoa_fisica, mensagem_aluno).
  if (inSet_P(first) && words.slice(1).every(w => inSet_P(w) || inSet_E(w))) return 'person'
  if (inSet_A(first)) return 'authored'
  if ((inSet_O(first) || inSet_M(first)) && inSet_E(last)) return 'organisation'
  return undefined
}

/** Columns that only a table of people has. */
function personColumnCount(table: TableInfo): number {
  let count = 0
  for (const column of table.columns) {
    const concepts = new Set(nameConcepts(column.name))
    if (['setting', 'flag', 'uri', 'at', 'count'].some(c => concepts.has(c))) continue
    if ((concepts.has('first') || concepts.has('last')) && (concepts.has('name') || concepts.size <= 2)) count++
    else if (concepts.has('birth') || concepts.has('gender') || concepts.has('password') || concepts.has('nationality') || concepts.has('pronoun')) count++
    else if (concepts.has('user') && concepts.has('name') && concepts.size === 2) count++
    else if (concepts.has('display') && concepts.has('name')) count++
  }
  return count
}

const isPersonReferenceColumn = (name: string) => {
  const words = nameWords(name)
  return (
    (words.length >= 2 &&
      ['id', 'ids', 'uuid', 'email'].includes(words.at(-1)!) &&
      words.slice(0, -1).some(w => PERSON_REFERENCE.has(w) || PERSON_REFERENCE.has(nameConcepts(w)[0]!))) ||
    (words.length === 1 && ['uid', 'idpes', 'userid', 'user'].includes(words[0]!))
  )
}

/** Reads every table's kind; a table whose key is a foreign key to a people table holds people too (an extension of one person's row). */
export function describeTables(schema: SchemaInfo): Map<string, TableContext> {
  const contexts = new Map<string, TableContext>()
  for (const table of schema.tables.values()) {
    const words = nameWords(table.name)
    let kind = kindFromName(words)
    const personColumns = personColumnCount(table)
    const namedForMachine = words.some(w => inSet_M(w))
    if (personColumns >= 2 && kind !== 'health' && kind !== 'organisation' && !namedForMachine) kind = 'person'
    else if (kind === undefined) kind = 'thing'
    // A table of people by name with nothing but keys and times is a join table (`team_members`), not people.
    const keyColumns = new Set([...table.primaryKey, ...table.foreignKeys.flatMap(fk => fk.columns)])
    if (
      kind === 'person' &&
      personColumns === 0 &&
      !table.columns.some(
        c => !keyColumns.has(c.name) && !/_?id$/i.test(c.name) && ['text', 'varchar', 'bpchar', 'citext', 'json', 'jsonb'].includes(c.baseType),
      )
    )
      kind = 'thing'
    const addressParts = table.columns.filter(c =>
      nameConcepts(c.name).some(w => ['street', 'city', 'postcode', 'address', 'neighborhood', 'region'].includes(w)),
    ).length
    const isMachine = namedForMachine && kind !== 'person'
    const hasLatitude = table.columns.some(c => nameConcepts(c.name).includes('latitude'))
    contexts.set(table.key, {
      kind,
      isPersonLinked: false,
      holdsAddresses: addressParts >= 2,
      words: words.map(w => nameConcepts(w)[0]!),
      nameWords: words,
      isMachine,
      hasLatitude,
      hasValueColumn: table.columns.some(c => /(^|_)values?$/i.test(c.name) || /[a-z]Values?$/.test(c.name)),
    })
  }
  for (let changed = true; changed;) {
    changed = false
    for (const table of schema.tables.values()) {
      const context = contexts.get(table.key)!
      if (context.kind === 'person' || table.primaryKey.length === 0) continue
      const extension = table.foreignKeys.find(
        fk => fk.columns.length === table.primaryKey.length && fk.columns.every(c => table.primaryKey.includes(c)) && fk.references !== table.key,
      )
      if (extension && contexts.get(extension.references)?.kind === 'person' && context.kind !== 'health' && context.kind !== 'authored') {
        context.kind = 'person'
        changed = true
      }
    }
  }
  for (const table of schema.tables.values()) {
    const context = contexts.get(table.key)!
    context.isPersonLinked =
      context.kind === 'person' ||
      table.foreignKeys.some(fk => contexts.get(fk.references)?.kind === 'person') ||
      table.columns.some(c => isPersonReferenceColumn(c.name))
  }
  return contexts
}
