import type {Person} from './model.js'
import type {Random} from './random.js'

const FIRST = [
  'Ottilie',
  'Bartholomew',
  'Ingrid',
  'Casimir',
  'Philippa',
  'Leopold',
  'Rosalind',
  'Evander',
  'Henrietta',
  'Thaddeus',
  'Marguerite',
  'Ignatius',
  'Cordelia',
  'Lysander',
  'Winifred',
  'Percival',
]
const LAST = [
  'Quillfeather',
  'Marchbanks',
  'Ravenscroft',
  'Thistlewood',
  'Pemberton',
  'Ashgrove',
  'Fairweather',
  'Blackwood',
  'Nettlefield',
  'Wolverton',
  'Hazeldine',
  'Underhill',
  'Brightwater',
  'Coldharbour',
  'Sedgemoor',
  'Larkspur',
]
const DOMAINS = ['mail-fz.test', 'post-fz.test', 'inbox-fz.test']

/**
 * People with identifiers no other value in the case can contain: distinct
 * two-word names, addresses built from them, phone numbers and IPs drawn
 * without repetition, and random external ids.
 */
export function makePeople(rng: Random, count: number): Person[] {
  const firsts = rng.sample(FIRST, count)
  const lasts = rng.sample(LAST, count)
  const phones = new Set<string>()
  const ips = new Set<string>()
  return firsts.map((first, i) => {
    const last = lasts[i]!
    let phone: string
    do phone = `+44 7700 9${String(rng.int(0, 99_999)).padStart(5, '0')}`
    while (phones.has(phone))
    phones.add(phone)
    let ip: string
    do ip = `10.${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(100, 254)}`
    while (ips.has(ip))
    ips.add(ip)
    const n = rng.int(2, 98)
    return {
      key: '',
      email: `${first}.${last}${n}@${rng.pick(DOMAINS)}`.toLowerCase(),
      altEmail: `${last}.${first[0]}${n}@alt-fz.test`.toLowerCase(),
      phone,
      name: `${first} ${last}`,
      ip,
      externalId: `cus_${rng.token(12)}`,
    }
  })
}

/** Every identifier of a person, as the oracle searches for them. */
export function identifiersOf(person: Person): string[] {
  return [person.email, person.altEmail, person.phone, person.name, person.ip, person.externalId]
}
