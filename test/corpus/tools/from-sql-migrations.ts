/**
 * Turns an application's plain SQL migrations into one DDL file: the files are
 * applied in the order given (or in the order their `-- @depends:` headers
 * require), with literal replacements for template placeholders and without
 * the statements a bare database cannot run (grants to roles it lacks,
 * ownership, data fixes that call the application's own functions).
 * Perl upgrade scripts (`.pl`) take part in the order; their schema statements
 * are read from their strings and may fail without stopping the load, since
 * the conditions around them are not evaluated. A script marked `@ignore: 1`
 * keeps its place in the order and contributes nothing.
 *
 *   tsx test/corpus/tools/from-sql-migrations.ts --out schema.sql \
 *     [--replace '{{ index .Options "Namespace" }}=>auth'] [--skip '^GRANT'] [--depends] FILE...
 */
import {readFile, writeFile} from 'node:fs/promises'
import {basename} from 'node:path'
import {parseArgs} from 'node:util'

import {sqlInPerl} from './perl-sql.js'
import {splitSqlStatements} from './sql-statements.js'

const {values: args, positionals: files} = parseArgs({
  allowPositionals: true,
  options: {
    out: {type: 'string'},
    replace: {type: 'string', multiple: true},
    skip: {type: 'string', multiple: true},
    depends: {type: 'boolean'},
    prelude: {type: 'string'},
  },
})
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
  if (/^(--|#)\s*@ignore:\s*1/m.test(text)) continue
  let sql = text
  for (const [from, to] of replacements) sql = sql.split(from).join(to)
  const perl = file.endsWith('.pl')
  const statements = (perl ? sqlInPerl(sql) : splitSqlStatements(sql)).filter(s => {
    const drop = skips.some(re => re.test(s))
    if (drop) skipped++
    return !drop
  })
  if (statements.length > 0) out.push(`-- ${basename(file)}\n${statements.map(s => (perl ? mayFail(s) : `${s};`)).join('\n')}`)
}
await writeFile(args.out, `${out.join('\n\n')}\n`)
process.stderr.write(`${args.out}: ${ordered.length} files, ${skipped} statements skipped\n`)

/** A statement that is skipped when it fails, in a subtransaction of its own. */
function mayFail(statement: string): string {
  let tag = '$stmt$'
  for (let n = 1; statement.includes(tag); n++) tag = `$stmt${n}$`
  return `DO $mayfail$ BEGIN EXECUTE ${tag}${statement}${tag}; EXCEPTION WHEN others THEN NULL; END $mayfail$;`
}

/**
 * Orders upgrade scripts that name what they depend on (`-- @tag: name`,
 * `-- @depends: a b`, `-- @required_by: c`).
 */
function byDependencies(list: Array<{file: string; text: string}>): Array<{file: string; text: string}> {
  const base = list.filter(source => header(source.text, 'tag').length === 0)
  const byTag = new Map<string, {file: string; text: string; depends: string[]}>()
  for (const source of list) {
    const tag = header(source.text, 'tag')[0]
    if (tag) byTag.set(tag, {...source, depends: header(source.text, 'depends')})
  }
  for (const [tag, source] of byTag) {
    for (const later of header(source.text, 'required_by')) byTag.get(later)?.depends.push(tag)
  }
  const depths = new Map<string, number>()
  const depth = (tag: string, path: string[]): number => {
    const known = depths.get(tag)
    if (known !== undefined) return known
    const source = byTag.get(tag)
    if (!source) return -1
    if (path.includes(tag)) throw new Error(`dependency cycle: ${[...path, tag].join(' -> ')}`)
    const value = 1 + Math.max(-1, ...source.depends.map(d => depth(d, [...path, tag])))
    depths.set(tag, value)
    return value
  }
  // Files without a tag are the base schema, first; then by depth and tag, every
  // script after all it depends on and siblings in a stable order.
  return [
    ...base,
    ...[...byTag.keys()]
      .map(tag => ({tag, depth: depth(tag, [])}))
      .sort((a, b) => a.depth - b.depth || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
      .map(({tag}) => byTag.get(tag)!),
  ]
}

function header(text: string, name: string): string[] {
  const line = new RegExp(`^(?:--|#)\\s*@${name}:(.*)$`, 'm').exec(text)?.[1] ?? ''
  return line
    .trim()
    .split(/[\s,]+/)
    .filter(Boolean)
}
