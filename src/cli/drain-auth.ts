import {usageError} from '../lib/errors.js'

/** --auth USER:PASSWORD, the credentials in the drain URL; none when not given. */
export function parseDrainAuth(value: string | undefined): {user: string; password: string} | null {
  if (value === undefined || value === '') return null
  const colon = value.indexOf(':')
  if (colon <= 0 || colon === value.length - 1) {
    throw usageError('--auth must be USER:PASSWORD (the credentials in the drain URL).')
  }
  return {user: value.slice(0, colon), password: value.slice(colon + 1)}
}

/** Resolves when the process is asked to stop (Ctrl-C, or the platform's SIGTERM). */
export function untilSignalled(): Promise<void> {
  return new Promise(resolve => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
