import {readFileSync} from 'node:fs'

/** This plugin's own name and version (not the heroku CLI's), for manifests and the ledger. */
export const TOOL: {name: string; version: string} = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {name: string; version: string}
  return {name: pkg.name, version: pkg.version}
})()
