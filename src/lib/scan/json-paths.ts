import {TypeFamily, verdictFromName} from './column-rules.js'
import type {TableContext} from './table-context.js'
import {nameConcepts, nameWords} from './tokens.js'
import {isEmail, isPhone} from './validators.js'
import type {Signal} from './value-signals.js'

interface Leaf {
  path: string
  key: string
  value: unknown
}

/** Every leaf of a JSON document with its key path (`user.emails[].address`), at any depth. */
export function jsonLeaves(value: unknown, path = '', key = '', depth = 0, out: Leaf[] = []): Leaf[] {
  if (depth > 12 || out.length > 2000) return out
  if (Array.isArray(value)) for (const item of value) jsonLeaves(item, `${path}[]`, key, depth + 1, out)
  else if (value !== null && typeof value === 'object') {
    for (const [name, inner] of Object.entries(value)) jsonLeaves(inner, path ? `${path}.${name}` : name, name, depth + 1, out)
  } else if (value !== null && value !== undefined) out.push({path, key, value})
  return out
}

const familyOfLeaf = (value: unknown): TypeFamily => (typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'text')

/** A key path with array positions and numeric keys folded, so one path stands for all rows. */
const generalPath = (path: string) => path.replace(/\.\d+(?=\.|$|\[)/g, '.*')

/**
 * Reads sampled JSON documents by key path: keys named like personal data
 * (a `first_name` three levels down, `billing.email`) and leaves whose values
 * are e-mail addresses or phone numbers. A document that holds a person's
 * details in several kinds is identity data as a whole.
 */
export function classifyJson(documents: unknown[], table: TableContext, _today: Date): {signals: Signal[]; strings: string[]; keys: string[]} {
  const strings: string[] = []
  const found = new Map<string, {category: string; confidence: number; path: string}>()
  let documentsWithContact = 0
  for (const document of documents) {
    const parsed = typeof document === 'string' && /^[[{]/.test(document) ? safeParse(document) : document
    let hasContact = false
    for (const leaf of jsonLeaves(parsed)) {
      if (typeof leaf.value === 'string') {
        strings.push(leaf.value)
        if (isEmail(leaf.value) || isPhone(leaf.value)) hasContact = true
      }
      const path = generalPath(leaf.path)
      if (!leaf.key || found.has(path)) continue
      const concepts = new Set(nameConcepts(leaf.key))
      const verdict = verdictFromName({concepts, words: nameWords(leaf.key), family: familyOfLeaf(leaf.value), table})
      if (verdict && verdict.category !== 'none' && verdict.category !== 'behavioral')
        found.set(path, {category: verdict.category, confidence: verdict.confidence, path})
    }
    if (hasContact) documentsWithContact++
  }
  const signals: Signal[] = []
  const personal = [...found.values()]
  const keys = [...new Set(personal.map(p => p.path.split('.').at(-1)!.replace(/\[\]$/, '')))].sort()
  if (personal.length > 0) {
    const categories = new Set(personal.map(p => p.category))
    const single = categories.size === 1 ? [...categories][0]! : undefined
    const category = single ?? 'identity'
    const confidence = Math.max(...personal.map(p => p.confidence)) * (personal.length > 1 ? 1 : 0.9)
    const shown = personal
      .slice(0, 6)
      .map(p => p.path)
      .join(', ')
    signals.push({
      category: category as Signal['category'],
      confidence,
      evidence: `JSON keys ${shown}${personal.length > 6 ? ` and ${personal.length - 6} more` : ''}`,
    })
  }
  const share = documents.length === 0 ? 0 : documentsWithContact / documents.length
  if (share >= 0.3 && !table.isMachine)
    signals.push({
      category: 'identity',
      confidence: share >= 0.6 ? 0.75 : 0.6,
      evidence: `${Math.round(share * 100)}% of sampled documents hold e-mail addresses or phone numbers`,
    })
  return {signals, strings, keys}
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
