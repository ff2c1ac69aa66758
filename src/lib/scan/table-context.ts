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
  /** The table belongs to an application, integration or machine rather than a person. */
  isMachine: boolean
  /** The table has a latitude column, so a `long` column beside it is a longitude. */
  hasLatitude: boolean
}

const PERSON_REFERENCE = new Set(['user', 'person', 'pessoa', 'member', 'customer', 'contact', 'owner', 'author', 'creator', 'employee',
  'student', 'aluno', 'patient', 'subscriber', 'recipient', 'sender', 'poster', 'reporter', 'assignee', 'requester', 'participant', 'attendee',
  'uid', 'idpes', 'pes', 'servidor', 'funcionario', 'profile', 'doer', 'actor', 'reviewer', 'publisher', 'pusher', 'inviter', 'invitee', 'blocker', 'blockee'])

function kindFromName(words: string[]): TableKind | undefined {
  const last = words.at(-1) ?? ''
  const first = words[0] ?? ''
  const health = words.some(w => nameConcepts(w)[0] === 'health')
  if (health) return 'health'
  // A join table (`AttributeToUser`) or a table of templates holds no one's data of its own.
  if (words.includes('to') || words.some(w => ['template', 'templates', 'canned', 'preset', 'presets', 'macro', 'macros'].includes(w))) return 'thing'
  if (PERSON_WORDS.has(last) && !(words.length > 1 && MACHINE_WORDS.has(words.at(-2)!))) return 'person'
  if (EXTENSION_WORDS.has(last) && words.slice(0, -1).some(w => PERSON_WORDS.has(w))) return 'person'
  if (AUTHORED_WORDS.has(last)) return 'authored'
  if (ORGANISATION_WORDS.has(last) || MACHINE_WORDS.has(last)) return 'organisation'
  // Languages that put the head noun first (pessoa_fisica, mensagem_aluno).
  if (PERSON_WORDS.has(first) && words.slice(1).every(w => PERSON_WORDS.has(w) || EXTENSION_WORDS.has(w))) return 'person'
  if (AUTHORED_WORDS.has(first)) return 'authored'
  if (ORGANISATION_WORDS.has(first) || MACHINE_WORDS.has(first)) return 'organisation'
  return undefined
}

/** Columns that only a table of people has. */
function personColumnCount(table: TableInfo): number {
  let count = 0
  for (const column of table.columns) {
    const concepts = new Set(nameConcepts(column.name))
    if ((concepts.has('first') || concepts.has('last')) && (concepts.has('name') || concepts.size <= 2)) count++
    else if (concepts.has('birth') || concepts.has('gender') || concepts.has('password') || concepts.has('nationality') || concepts.has('pronoun')) count++
    else if (concepts.has('user') && concepts.has('name') && concepts.size === 2) count++
    else if ((concepts.has('display') && concepts.has('name')) || concepts.has('avatar')) count++
  }
  return count
}

const isPersonReferenceColumn = (name: string) => {
  const words = nameWords(name)
  return words.length >= 2 && ['id', 'ids', 'uuid', 'email'].includes(words.at(-1)!) && words.slice(0, -1).some(w => PERSON_REFERENCE.has(w) || PERSON_REFERENCE.has(nameConcepts(w)[0]!))
    || (words.length === 1 && ['uid', 'idpes', 'userid', 'user'].includes(words[0]!))
}

/** Reads every table's kind; a table whose key is a foreign key to a people table holds people too (an extension of one person's row). */
export function describeTables(schema: SchemaInfo): Map<string, TableContext> {
  const contexts = new Map<string, TableContext>()
  for (const table of schema.tables.values()) {
    const words = nameWords(table.name)
    let kind = kindFromName(words)
    const personColumns = personColumnCount(table)
    if (personColumns >= 2 && kind !== 'health') kind = 'person'
    else if (kind === undefined) kind = 'thing'
    const addressParts = table.columns.filter(c => nameConcepts(c.name).some(w => ['street', 'city', 'postcode', 'address', 'neighborhood', 'region'].includes(w))).length
    const isMachine = words.some(w => MACHINE_WORDS.has(w)) && kind !== 'person'
    const hasLatitude = table.columns.some(c => nameConcepts(c.name).includes('latitude'))
    contexts.set(table.key, {kind, isPersonLinked: false, holdsAddresses: addressParts >= 2, words: words.map(w => nameConcepts(w)[0]!), isMachine, hasLatitude})
  }
  for (let changed = true; changed;) {
    changed = false
    for (const table of schema.tables.values()) {
      const context = contexts.get(table.key)!
      if (context.kind === 'person' || table.primaryKey.length === 0) continue
      const extension = table.foreignKeys.find(fk => fk.columns.length === table.primaryKey.length && fk.columns.every(c => table.primaryKey.includes(c)) && fk.references !== table.key)
      if (extension && contexts.get(extension.references)?.kind === 'person' && context.kind !== 'health' && context.kind !== 'authored') {
        context.kind = 'person'
        changed = true
      }
    }
  }
  for (const table of schema.tables.values()) {
    const context = contexts.get(table.key)!
    context.isPersonLinked = context.kind === 'person'
      || table.foreignKeys.some(fk => contexts.get(fk.references)?.kind === 'person')
      || table.columns.some(c => isPersonReferenceColumn(c.name))
  }
  return contexts
}
