import type {AddressInfo} from 'node:net'

import {DatabaseTarget, describeDatabaseError} from '../db/connection.js'
import {LogReceiver, ReceiverOptions} from './receiver.js'
import {migrateLogStore} from './store.js'

/**
 * `privacy:logs:serve`: creates or upgrades the log store in the database,
 * then listens for Logplex batches; close the receiver to stop.
 */
export async function startLogReceiver(
  input: ReceiverOptions & {store: DatabaseTarget; port: number; host: string},
): Promise<{receiver: LogReceiver; address: AddressInfo}> {
  const {store, port, host, ...options} = input
  await migrateLogStore(input.pool, store.label).catch(error => {
    throw describeDatabaseError(error, store)
  })
  const receiver = new LogReceiver(options)
  return {receiver, address: await receiver.listen(port, host)}
}
