import type {StoreEntry} from '../check/inventory.js'
import {loadDataMap} from './load.js'
import type {Recipient} from './processing-schema.js'
import {writeMapFile} from './save.js'

/**
 * Recipients the app's set-up reveals: the Salesforce org of a Heroku Connect
 * add-on, third-party add-on providers and log drain destinations. Heroku's
 * own data services are covered by the hosting recipient.
 */
export function platformRecipients(stores: StoreEntry[], appRegion?: string): Record<string, Recipient> {
  const recipients: Record<string, Recipient> = {}
  for (const store of stores) {
    if (store.kind === 'connect') {
      recipients.salesforce = {
        name: 'Salesforce org synced by Heroku Connect',
        role: 'processor',
        purpose: `Keeps the customer records the app shares with Salesforce (add-on ${store.store})`,
        review: true,
      }
    } else if (store.kind === 'other') {
      const service = (store.plan ?? store.store).split(':')[0]!
      recipients[`addon-${slug(service)}`] = {
        name: `${service} (Heroku add-on provider)`,
        role: 'processor',
        purpose: `Add-on ${store.store}: say which data it receives, and name it in those tables' recipients`,
        review: true,
      }
    } else if (store.kind === 'log-drain') {
      recipients[`drain-${slug(store.store)}`] = {
        name: store.store,
        role: 'processor',
        purpose: "Receives the app's logs, which may mention any of the person's data",
        all_data: true,
        review: true,
      }
    }
  }
  if (appRegion)
    recipients.heroku = {
      name: 'Salesforce, Inc. (Heroku)',
      role: 'processor',
      purpose: 'Hosts the app, its databases and its logs',
      country: appRegion,
      all_data: true,
      review: true,
    }
  return recipients
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

/**
 * Adds to privacy.yml the recipients it does not name yet, and fills the
 * fields a still-unreviewed one lacks (the hosting region); returns the ids added.
 */
export async function addPlatformRecipients(file: string, recipients: Record<string, Recipient>): Promise<string[]> {
  const loaded = await loadDataMap(file)
  const existing = loaded.map.recipients ?? {}
  const added = Object.keys(recipients).filter(id => existing[id] === undefined)
  const filled = Object.entries(recipients).flatMap(([id, recipient]) =>
    existing[id]?.review !== true
      ? []
      : Object.entries(recipient)
          .filter(([field]) => !(field in existing[id]!))
          .map(([field, value]) => ({id, field, value})),
  )
  if (added.length === 0 && filled.length === 0) return []
  if (!loaded.map.recipients) loaded.document.set('recipients', loaded.document.createNode({}))
  for (const id of added) loaded.document.setIn(['recipients', id], loaded.document.createNode(recipients[id]))
  for (const {id, field, value} of filled) loaded.document.setIn(['recipients', id, field], value)
  await writeMapFile(file, loaded.document)
  return added
}
