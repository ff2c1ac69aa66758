/**
 * Writes oclif.manifest.json with its commands in order of id. oclif lists
 * them in the order it finds the command files, which is not always the same
 * from one build to the next; oclif sorts them again as it starts, so only
 * the file changes.
 */
import {readFile, writeFile} from 'node:fs/promises'

const path = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(await readFile(path, 'utf8'))
const ids = Object.keys(manifest.commands).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
manifest.commands = Object.fromEntries(ids.map(id => [id, manifest.commands[id]]))
await writeFile(path, JSON.stringify(manifest, null, 2))
