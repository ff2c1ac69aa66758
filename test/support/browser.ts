import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type BrowserContext, chromium} from 'playwright-core'

import {PROJECT_ROOT} from './processes.js'

/** Debian's chromium package; .ci/run installs it. */
export const CHROMIUM = '/usr/bin/chromium'

/** Screenshots and other artefacts a person may want to look at after a run. */
export const TEST_OUTPUT = join(PROJECT_ROOT, 'test-output')

/**
 * Flags for a headless Chromium on a machine with no network: without the
 * background-networking ones it keeps trying to reach its vendor's hosts.
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** Starts headless Chromium with a fresh, empty profile, removed again on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does).`)
  const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    chromiumSandbox: false,
    offline: true,
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(profile, {recursive: true, force: true})
    },
  }
}
