/**
 * Turns an application's plain SQL migrations into one DDL file: the files are
 * applied in the order given (or in the order their `-- @depends:` headers
 * require), with literal replacements for template placeholders and without
 * the statements a bare database cannot run (grants to roles it lacks,
 * ownership, data fixes that call the application's own functions).
 *
 *   tsx test/corpus/tools/from-sql-migrations.ts --out schema.sql \
 *     [--replace '{{ index .Options "Namespace" }}=>auth'] [--skip '^GRANT'] [--depends] FILE...
 */
import {readFile, writeFile} from 'node:fs/promises'
import {basename} from 'node:path'
import {parseArgs} from 'node:util'

import {splitSqlStatements} from './sql-statements.js'

const {values: args, positionals: files} = parseArgs({allowPositionals: true, options: {
  out: {type: 'string'}, replace: {type: 'string', multiple: true}, skip: {type: 'string', multiple: true},
  depends: {type: 'boolean'}, prelude: {type: 'string'},
}})
if (!args.out || files.length === 0) throw new Error('usage: from-sql-migrations.ts --out FILE [--replace A=>B] [--skip REGEX] [--depends] FILE...')

const replacements = (args.replace ?? []).map(r => {
  const at = r.indexOf('=>')
  if (at === -1) throw new Error(`--replace needs FROM=>TO: ${r}`)
  return [r.slice(0, at), r.slice(at + 2)] as const
})
const skips = (args.skip ?? []).map(s => new RegExp(s, 'is'))

const sources = await Promise.all(files.map(async file => ({file, text: await readFile(file, 'utf8')})))
const ordered = args.depends ? byDependencies(sources) : sources
const out: string[] = []
if (args.prelude) out.push(args.prelude.trim().replace(/;?$/, ';'))
let skipped = 0
for (const {file, text} of ordered) {
  let sql = text
  for (const [from, to] of replacements) sql = sql.split(from).join(to)
  const statements = splitSqlStatements(sql).filter(s => {
    const drop = skips.some(re => re.test(s))
    if (drop) skipped++
    return !drop
  })
  if (statements.length > 0) out.push(`-- ${basename(file)}\n${statements.map(s => `${s};`).join('\n')}`)
}
await writeFile(args.out, `${out.join('\n\n')}\n`)
process.stderr.write(`${args.out}: ${ordered.length} files, ${skipped} statements skipped\n`)

/**
 * Orders upgrade scripts that name what they depend on (`-- @tag: name`,
 * `-- @depends: a b`), keeping the given order among independent ones.
 */
function byDependencies(list: Array<{file: string; text: string}>): Array<{file: string; text: string}> {
  const byTag = new Map<string, {file: string; text: string; depends: string[]}>()
  for (const source of list) {
    const tag = /^--\s*@tag:\s*(\S+)/m.exec(source.text)?.[1] ?? basename(source.file).replace(/\.[^.]+$/, '')
    const depends = (/^--\s*@depends:(.*)$/m.exec(source.text)?.[1] ?? '').trim().split(/[\s,]+/).filter(Boolean)
    byTag.set(tag, {...source, depends})
  }
  const done = new Set<string>()
  const result: Array<{file: string; text: string}> = []
  const visit = (tag: string, path: string[]) => {
    if (done.has(tag)) return
    const source = byTag.get(tag)
    if (!source) return
    if (path.includes(tag)) throw new Error(`dependency cycle: ${[...path, tag].join(' -> ')}`)
    for (const dependency of source.depends) visit(dependency, [...path, tag])
    done.add(tag)
    result.push(source)
  }
  for (const tag of byTag.keys()) visit(tag, [])
  return result
}
