import {inventory} from '../check/inventory.js'
import {addPlatformRecipients, platformRecipients} from '../datamap/platform-recipients.js'
import type {HerokuApi} from '../heroku/api.js'
import type {ProgressSink} from '../progress.js'

/**
 * Adds the app's add-on providers and log drain destinations to the map's
 * recipients (marked for review); returns the paths added. When Heroku cannot
 * list them, says so as a warning and adds none.
 */
export async function addAppRecipients(
  file: string,
  api: HerokuApi,
  app: {name: string; region?: {name: string} | null},
  progress?: ProgressSink,
): Promise<string[]> {
  const stores = await inventory(api, app.name).catch(error => {
    progress?.({
      kind: 'warning',
      message: `Could not list ${app.name}'s add-ons and drains (${(error as Error).message}); add their providers to recipients: by hand.`,
    })
    return []
  })
  const added = await addPlatformRecipients(file, platformRecipients(stores, app.region?.name))
  return added.map(id => `recipients.${id}`)
}
