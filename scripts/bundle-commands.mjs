// Bundles each compiled command (dist/commands) and oclif's runner (dist/cli/main.js, what bin/run.js starts) with
// what they import into one file each, sharing chunks, so a command starts without resolving and reading hundreds of
// modules. Code that is imported dynamically (ink, age, the Heroku credential reporter) stays in chunks of its own
// that load only when used.
import {build} from 'esbuild'
import {readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const commands = join(dist, 'commands')

async function files(dir) {
  const entries = await readdir(dir, {withFileTypes: true})
  const nested = await Promise.all(entries.map(e => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)])))
  return nested.flat().filter(f => f.endsWith('.js'))
}

/** Keeps the credential reporter out of the start-up path (see shims/credential-telemetry.js). */
const lazyCredentialTelemetry = {
  name: 'lazy-credential-telemetry',
  setup(builder) {
    builder.onResolve({filter: /[/\\]cli-command-telemetry\.js$/}, args => {
      if (!/credential-manager-core[/\\]index\.js$/.test(args.importer)) return undefined
      return {path: join(root, 'scripts', 'shims', 'credential-telemetry.js')}
    })
  },
}

/**
 * zod's namespace re-exports the messages of every language it knows (half of zod's code); the tool uses only
 * English, its default, so the bundles hold only that.
 */
const englishZodMessages = {
  name: 'english-zod-messages',
  setup(builder) {
    builder.onLoad({filter: /[/\\]zod[/\\]v4[/\\]locales[/\\]index\.js$/}, () => ({contents: 'export {default as en} from "./en.js"', loader: 'js'}))
  },
}

/**
 * pg asks whether it runs in a Cloudflare Worker by constructing a fetch Response as it loads, which loads Node's
 * whole fetch implementation into every command; the bundles run on Node only, where the answer is no.
 */
const pgOnNode = {
  name: 'pg-on-node',
  setup(builder) {
    builder.onLoad({filter: /[/\\]pg[/\\]lib[/\\]stream\.js$/}, async args => {
      const source = await readFile(args.path, 'utf8')
      const patched = source.replace('if (isCloudflareRuntime()) {', 'if (false) {')
      if (patched === source) return {warnings: [{text: 'pg/lib/stream.js no longer asks isCloudflareRuntime(); the pg-on-node plugin can go'}]}
      return {contents: patched, loader: 'js'}
    })
  },
}

/** @heroku/http-call requires its lazy dependencies through a helper the bundler cannot follow; name them outright. */
const httpCallDeps = {
  name: 'http-call-deps',
  setup(builder) {
    builder.onLoad({filter: /[/\\]@heroku[/\\]http-call[/\\]lib[/\\]deps\.js$/}, async args => {
      const source = await readFile(args.path, 'utf8')
      const patched = source.replace(/\bfetch\(('[^']+')\)/g, 'require($1)')
      if (patched === source) return {errors: [{text: '@heroku/http-call no longer loads its dependencies through fetch(); see http-call-deps'}]}
      return {contents: patched, loader: 'js'}
    })
  },
}

/**
 * oclif sorts the commands of the manifest with localeCompare as it starts, which builds a collator (ICU) before
 * anything else needs one; command ids are lowercase ASCII, where comparing code points gives the same order.
 */
const oclifPlainSort = {
  name: 'oclif-plain-sort',
  setup(builder) {
    builder.onLoad({filter: /[/\\]@oclif[/\\]core[/\\]lib[/\\]config[/\\]plugin\.js$/}, async args => {
      const source = await readFile(args.path, 'utf8')
      const patched = source.replace('.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))')
      if (patched === source) return {warnings: [{text: "oclif's plugin.js no longer sorts commands with localeCompare; the oclif-plain-sort plugin can go"}]}
      return {contents: patched, loader: 'js'}
    })
  },
}

const entryPoints = [...(await files(commands)), join(dist, 'cli', 'main.js')]
const chunks = join(dist, 'chunks')
await rm(chunks, {recursive: true, force: true})
const result = await build({
  entryPoints,
  outdir: dist,
  outbase: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // oclif is bundled too: bin/run.js starts the bundle's copy, the one that runs the commands (an error class it
  // checks must be the commands' own). Under the heroku CLI the commands run with this copy as they would with the
  // plugin's own node_modules/@oclif/core. Some packages are required from node_modules as they are, because they
  // load files a bundler cannot see: ssh2 its compiled add-ons (only when a bastion is used), yoga-wasm-web (the
  // layout engine of the ink that @heroku/heroku-cli-util's tables use) a WebAssembly file beside it.
  // @heroku/heroku-cli-util itself stays in the bundle: it checks errors against @heroku-cli/command's classes, which
  // must be the bundle's copy. The others are optional and absent, or (typescript, ts-node, tsx) what oclif loads
  // only to run a plugin from its TypeScript sources, which this one never does.
  external: ['typescript', 'ts-node', 'tsx', 'ssh2', 'yoga-wasm-web', 'yoga-wasm-web/*', 'react-devtools-core', 'pg-native'],
  // Bundled CommonJS modules require Node's built-ins.
  banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
  plugins: [lazyCredentialTelemetry, englishZodMessages, pgOnNode, httpCallDeps, oclifPlainSort],
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
})
// What each bundle holds and imports, for the tests that keep start-up lean.
await writeFile(join(dist, 'bundles.json'), JSON.stringify(result.metafile))
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0)
process.stderr.write(`bundled ${entryPoints.length - 1} commands from ${relative(root, commands)} and oclif (${(bytes / 1048576).toFixed(1)} MB with shared chunks)\n`)
