import {type Document, Scalar, YAMLMap, isMap, isScalar} from 'yaml'

import {kindNameFor} from './schema.js'

/**
 * Rewrites a single `subject:` as `subjects:` with one named kind, in place:
 * the subject's node moves under its kind name, so its comments and those
 * around it stay. The kind keeps the name the loader already gave it, so
 * ledgers that recorded it by that name still match. Returns the kind name,
 * or undefined when the map had nothing to migrate.
 */
export function migrateSubjectToSubjects(document: Document): string | undefined {
  if (!isMap(document.contents)) return undefined
  const root = document.contents as YAMLMap
  const index = root.items.findIndex(pair => isScalar(pair.key) && pair.key.value === 'subject')
  if (index < 0 || root.has('subjects')) return undefined
  const pair = root.items[index]!
  const subject = pair.value
  const table = isMap(subject) ? subject.get('table') : undefined
  if (typeof table !== 'string') return undefined
  const name = kindNameFor(table)
  const kinds = new YAMLMap()
  kinds.add(document.createPair(name, subject))
  const key = new Scalar('subjects')
  if (isScalar(pair.key)) {
    key.commentBefore = pair.key.commentBefore
    key.comment = pair.key.comment
  }
  pair.key = key
  pair.value = kinds
  return name
}
