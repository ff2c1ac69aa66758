import {CONCEPT_OF, isKnownWord} from './lexicon.js'

/**
 * The words of an identifier: snake_case, kebab-case, camelCase, PascalCase,
 * ACRONYMCase and digits all split (`twoFactorSecret` → two factor secret,
 * `HTTPHeader2` → http header 2, `2fa` stays whole), lower-cased, accents
 * removed.
 */
export function splitWords(name: string): string[] {
  const words = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-zA-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  const joined: string[] = []
  for (const word of words) {
    if (word === 'fa' && joined.at(-1) === '2') joined[joined.length - 1] = '2fa'
    else if (word === 'time' && joined.at(-1) === 'one') joined[joined.length - 1] = 'onetime'
    else if (word === 'authn' && joined.at(-1) === 'web') joined[joined.length - 1] = 'webauthn'
    else joined.push(word)
  }
  return joined
}

/** A word glued from known words (`firstname`, `userprofile`, `emailaddress`), split into them; the word itself otherwise. */
function decompound(word: string): string[] {
  if (word.length < 5 || isKnownWord(word)) return [word]
  const idTail = /^(.{3,})(ids?)$/.exec(word)
  if (idTail && isKnownWord(idTail[1]!)) return [idTail[1]!, idTail[2]!]
  for (let i = word.length - 3; i >= 3; i--) {
    const head = word.slice(0, i)
    const tail = word.slice(i)
    if (!isKnownWord(head)) continue
    if (isKnownWord(tail)) return [head, tail]
    const rest = tail.length >= 6 ? decompound(tail) : [tail]
    if (rest.length > 1) return [head, ...rest]
  }
  return [word]
}

/** The words of a name after splitting glued compounds. */
export function nameWords(name: string): string[] {
  return splitWords(name).flatMap(decompound)
}

/** The concepts a name speaks of, in order, each word mapped through the lexicon (unknown words stay as they are). */
export function nameConcepts(name: string): string[] {
  return nameWords(name).map(conceptOf)
}

/** A word's concept; a plural not in the lexicon is read as its singular (`avatars`, `authors`). */
export function conceptOf(word: string): string {
  const known = CONCEPT_OF.get(word)
  if (known) return known
  if (word.length > 3 && word.endsWith('s')) {
    const singular = CONCEPT_OF.get(word.endsWith('ies') ? `${word.slice(0, -3)}y` : word.slice(0, -1))
    if (singular) return singular
  }
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word
}
