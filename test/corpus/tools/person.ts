/**
 * One synthetic person per generated row, so that the name, e-mail, address
 * and phone of a row belong together the way they do in a real one.
 */
import type {City, Locale} from './locales.js'
import {Random, chars, int, pick} from './random.js'

export interface Person {
  first: string
  last: string
  full: string
  username: string
  email: string
  phone: string
  birthDate: string
  gender: string
  street: string
  addressLine: string
  city: City
  lat: number
  lng: number
  ip: string
  userAgent: string
  website: string
  locale: Locale
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mastodon/4.2.8 (+https://social.example/)',
]

const MAIL_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me', 'icloud.com', 'gmx.de', 'web.de', 'uol.com.br', 'hotmail.com', 'fastmail.com']

/** Lower-case ASCII of a name, for logins and mailboxes. */
export const asciiSlug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ı/g, 'i')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')

function phoneFor(random: Random, locale: Locale): string {
  const digits = chars(random, 'digits', 8)
  switch (locale.code) {
    case 'pt':
      return pick(random, [
        `+55 ${int(random, 11, 99)} 9${digits.slice(0, 4)}-${digits.slice(4)}`,
        `(${int(random, 11, 99)}) 9${digits.slice(0, 4)}-${digits.slice(4)}`,
      ])
    case 'de':
      return pick(random, [`+49 1${int(random, 51, 79)} ${digits}`, `0${int(random, 30, 89)} ${digits.slice(0, 7)}`])
    default:
      return pick(random, [
        `+44 7${digits.slice(0, 3)} ${digits.slice(3)}${int(random, 0, 9)}`,
        `+1 ${int(random, 201, 989)}-${digits.slice(0, 3)}-${digits.slice(3, 7)}`,
        `07${digits}${int(random, 0, 9)}`,
      ])
  }
}

export function makePerson(random: Random, locale: Locale, today: Date): Person {
  const first = pick(random, locale.firstNames)
  const last = pick(random, locale.lastNames)
  const middle = locale.code === 'pt' && random() < 0.5 ? ` ${pick(random, locale.lastNames)}` : ''
  const city = pick(random, locale.cities)
  const year = today.getUTCFullYear() - int(random, 14, 80)
  const f = asciiSlug(first)
  const l = asciiSlug(last)
  const username = pick(random, [`${f}${l}`, `${f}_${l}`, `${f}${int(random, 1, 99)}`, `${f[0]}${l}`, `${l}.${f}`, `${f}${String(year).slice(2)}`])
  const mailbox = pick(random, [`${f}.${l}`, `${f}${l}${int(random, 1, 999)}`, `${f[0]}.${l}`, `${f}_${l}`, username])
  return {
    first,
    last,
    full: `${first}${middle} ${last}`,
    username,
    email: `${mailbox}@${pick(random, MAIL_DOMAINS)}`,
    phone: phoneFor(random, locale),
    birthDate: `${year}-${String(int(random, 1, 12)).padStart(2, '0')}-${String(int(random, 1, 28)).padStart(2, '0')}`,
    gender: pick(
      random,
      locale.code === 'pt' ? ['feminino', 'masculino'] : locale.code === 'de' ? ['weiblich', 'männlich', 'divers'] : ['female', 'male', 'non-binary'],
    ),
    street: locale.code === 'en' ? `${int(random, 1, 240)} ${pick(random, locale.streets)}` : `${pick(random, locale.streets)}, ${int(random, 1, 2400)}`,
    addressLine: pick(
      random,
      locale.code === 'pt'
        ? ['Apto 101', 'Casa 2', 'Bloco B, apto 34', 'Fundos']
        : locale.code === 'de'
          ? ['2. OG', 'Hinterhaus', 'Wohnung 5']
          : ['Flat 2', 'Apartment 4B', 'Unit 7', 'Suite 300'],
    ),
    city,
    lat: Math.round((city.lat + (random() - 0.5) * 0.2) * 1e6) / 1e6,
    lng: Math.round((city.lng + (random() - 0.5) * 0.2) * 1e6) / 1e6,
    ip:
      random() < 0.8
        ? `${int(random, 23, 223)}.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`
        : `2a02:${chars(random, 'hex', 4)}:${chars(random, 'hex', 4)}::${chars(random, 'hex', 3)}`,
    userAgent: pick(random, USER_AGENTS),
    website: `https://${f}${l}.${pick(random, ['com', 'net', 'me', 'blog'])}`,
    locale,
  }
}
