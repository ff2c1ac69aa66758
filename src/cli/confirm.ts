import {stripVTControlCharacters} from 'node:util'

import {Flags} from '@oclif/core'

import {refused} from '../lib/errors.js'

export const confirmFlags = {
  confirm: Flags.string({
    description: 'the app name (with --database-url, the database name; for a request across apps, the request id), to confirm a change without a prompt',
    helpValue: 'APP',
  }),
  'dry-run': Flags.boolean({description: 'show what would change, and change nothing'}),
}

/** What --confirm must repeat: the app, or the database's own name for --database-url. */
export function confirmationName(app: string | undefined, databaseUrl: string): string {
  return app ?? decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''))
}

/**
 * The heroku CLI's convention for destructive commands: --confirm NAME, or
 * typing the name at its prompt (hux.confirmCommand) on a terminal. Without a
 * terminal and without --confirm, refuse (exit 4) rather than wait for input
 * that never comes.
 */
export async function requireConfirmation(given: string | undefined, expected: string, action: string): Promise<void> {
  if (given !== undefined) {
    if (given !== expected) throw refused('confirmation_mismatch', `--confirm ${given} does not match ${expected}; nothing was changed.`)
    return
  }
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw refused('confirmation_required', `${action} changes ${expected}; pass --confirm ${expected} to go ahead (or --dry-run to see the plan).`)
  }
  const {hux} = await import('@heroku/heroku-cli-util')
  try {
    await hux.confirmCommand({comparison: expected, warningMessage: `${action} changes ${expected}.`, abortedMessage: 'Nothing was changed.'})
  } catch (error) {
    throw refused('confirmation_mismatch', stripVTControlCharacters(String((error as Error).message ?? error)))
  }
}
