import type {AddressInfo} from 'node:net'

import type {ReceiverEvent, ReceiverStats} from '../../lib/logs/receiver.js'
import {plural} from '../../lib/ui/words.js'

export function describeListening(address: AddressInfo, store: string, retention: string, redacting: string[]): string {
  return `Receiving Logplex batches on http://${address.address}:${address.port}/ into ${store}; keeping lines ${retention}; ${redacting.length > 0 ? `redacting ${redacting.join(', ')}` : 'redacting nothing'}. Stop with Ctrl-C.`
}

export function describeReceiverEvent(event: ReceiverEvent): string {
  switch (event.kind) {
    case 'store-failed':
      return `could not store a batch (answered 503, Logplex will retry): ${event.message}`
    case 'expired':
      return `dropped expired partitions ${event.dropped.join(', ')}`
    case 'expiry-failed':
      return `could not drop expired partitions: ${event.message}`
    case 'malformed':
      return `skipped ${plural(event.frames, 'malformed frame')} in batch ${event.frameId ?? '(no frame id)'}`
  }
}

export function describeStats(stats: ReceiverStats): string {
  const refused = Object.entries(stats.refused)
    .map(([status, count]) => `${count}×${status}`)
    .join(', ')
  return `Stored ${plural(stats.lines, 'line')} in ${plural(stats.batches, 'batch', 'batches')}; ${plural(stats.duplicates, 'retried batch', 'retried batches')} already stored; ${plural(stats.malformed, 'malformed frame')} skipped; ${plural(stats.storeFailures, 'batch', 'batches')} refused while the store failed${refused ? `; refused requests: ${refused}` : ''}.`
}
