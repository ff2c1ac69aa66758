import type {Json, Person} from '../model.js'
import type {Random} from '../random.js'

/** Free text about a person, sometimes naming another (a message, a support note). */
export function mention(rng: Random, owner: Person, other?: Person): string {
  const parts = [
    rng.pick([
      `Call ${owner.name} on ${owner.phone}`,
      `Ship to ${owner.name}`,
      `Reply to ${owner.email} please`,
      `Signed up from ${owner.ip}`,
      `Customer ${owner.externalId} asked for a refund`,
    ]),
    ...(rng.chance(0.3) ? [`backup address ${owner.altEmail}`] : []),
    ...(other && rng.chance(0.5) ? [rng.pick([`cc ${other.email}`, `spoke with ${other.name}`])] : []),
  ]
  return parts.join('; ')
}

/**
 * A JSON document with the person's identifiers at several depths, inside
 * objects and arrays, under keys a scan recognises (email, phone, ip_address)
 * and under keys it does not (note).
 */
export function nestedJson(rng: Random, owner: Person, other?: Person): Json {
  const contact: Record<string, Json> = {email: owner.email, phones: [{phone: owner.phone, kind: 'mobile'}]}
  const shapes: Json[] = [
    {contact, settings: {theme: rng.pick(['dark', 'light']), locale: 'en-GB'}},
    {profile: {identity: {full_name: owner.name, emails: [owner.email, owner.altEmail]}}, devices: [{ip_address: owner.ip, seen: 3}]},
    {billing: {customer: {email: owner.email, stripe_customer_id: owner.externalId}}, items: [{sku: 'A-1', qty: 2}]},
    {
      history: [
        {event: 'login', ip_address: owner.ip},
        {event: 'update', changes: {phone: owner.phone}},
      ],
      note: `verified ${owner.name}`,
    },
  ]
  const doc = rng.pick(shapes) as Record<string, Json>
  if (other && rng.chance(0.3)) doc.referrer = {email: other.email}
  if (rng.chance(0.3)) doc.version = rng.int(1, 5)
  return doc
}

export function timestamp(rng: Random): string {
  return `2025-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}T${String(rng.int(0, 23)).padStart(2, '0')}:00:00Z`
}
