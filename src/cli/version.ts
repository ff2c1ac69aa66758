import {existsSync, readFileSync} from 'node:fs'

/**
 * This plugin's own name and version (not the heroku CLI's), for manifests and the ledger.
 * The nearest package.json above this module: the build bundles commands, so how deep this code sits varies.
 */
export const TOOL: {name: string; version: string} = (() => {
  let dir = new URL('.', import.meta.url)
  while (!existsSync(new URL('package.json', dir)) && dir.pathname !== '/') dir = new URL('..', dir)
  const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {name: string; version: string}
  return {name: pkg.name, version: pkg.version}
})()
