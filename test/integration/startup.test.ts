import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'

import {expect} from 'chai'

import {BIN, PROJECT_ROOT, runProcess} from '../support/processes.js'

interface Metafile {
  outputs: Record<string, {imports: Array<{path: string; kind: string; external?: boolean}>; inputs: Record<string, unknown>}>
}

/** The packages a bundle loads before any of its code runs: its own inputs and those of the chunks it imports statically. */
function packagesLoadedBy(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>()
  const walk = (output: string) => {
    if (seen.has(output)) return
    seen.add(output)
    for (const i of meta.outputs[output]!.imports) if (i.kind === 'import-statement' && !i.external) walk(i.path)
  }
  walk(entry)
  const packages = new Set<string>()
  for (const output of seen) {
    for (const input of Object.keys(meta.outputs[output]!.inputs)) {
      const parts = input.split('/')
      if (parts[0] === 'node_modules') packages.add(parts[1]!.startsWith('@') ? `${parts[1]}/${parts[2]}` : parts[1]!)
    }
  }
  return packages
}

describe('what a command loads as it starts', () => {
  let meta: Metafile
  let manifest: {commands: Record<string, {hasDynamicHelp?: boolean}>}

  before(async () => {
    meta = JSON.parse(await readFile(join(PROJECT_ROOT, 'dist', 'bundles.json'), 'utf8')) as Metafile
    manifest = JSON.parse(await readFile(join(PROJECT_ROOT, 'oclif.manifest.json'), 'utf8')) as typeof manifest
  })

  it("prints every command's help from the manifest, without loading the command", () => {
    const dynamic = Object.entries(manifest.commands).filter(([, command]) => command.hasDynamicHelp)
    expect(Object.keys(manifest.commands)).to.include('privacy:export')
    expect(dynamic.map(([id]) => id)).to.deep.equal([])
  })

  it('runs the bundle’s own oclif, the copy the commands were built with', () => {
    const commands = Object.keys(meta.outputs).filter(output => output.startsWith('dist/commands/') && output.endsWith('.js'))
    expect(commands).to.include('dist/commands/privacy/export.js')
    expect(packagesLoadedBy(meta, 'dist/cli/main.js')).to.include('@oclif/core')
    for (const output of Object.values(meta.outputs)) {
      expect(output.imports.filter(i => i.external && i.path.startsWith('@oclif/')).map(i => i.path)).to.deep.equal([])
    }
  })

  it('loads the terminal interface, encryption and the error reporter only when they are used', () => {
    for (const command of Object.keys(meta.outputs).filter(output => output.startsWith('dist/commands/') && output.endsWith('.js'))) {
      const loaded = packagesLoadedBy(meta, command)
      expect(loaded, command).to.include('@heroku-cli/command')
      for (const lazy of ['ink', 'react', 'age-encryption', '@sentry/node', '@opentelemetry/api'])
        expect(loaded, `${command} loads ${lazy}`).to.not.include(lazy)
    }
  })

  describe('git', () => {
    let dir: string
    let calls: string
    let env: Record<string, string>

    before(async () => {
      // A git that only notes that it was asked, first on the PATH.
      dir = await mkdtemp(join(tmpdir(), 'privacy-startup-'))
      calls = join(dir, 'calls')
      await writeFile(join(dir, 'git'), `#!/bin/sh\necho "$@" >> '${calls}'\nexit 1\n`)
      await chmod(join(dir, 'git'), 0o755)
      env = {PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`}
    })

    after(async () => {
      await rm(dir, {recursive: true, force: true})
    })

    const gitCalls = () => readFile(calls, 'utf8').catch(() => '')

    beforeEach(async () => {
      await rm(calls, {force: true})
    })

    it('is not asked for the app to print help', async () => {
      for (const command of ['privacy:export', 'privacy:inventory', 'privacy:requests:open']) {
        const result = await runProcess(process.execPath, [BIN, command, '--help'], env)
        expect(result.code, result.stderr).to.equal(0)
        expect(result.stdout).to.match(/-a, --app=<value>/)
      }
      expect(await gitCalls()).to.equal('')
    })

    it('is asked for the app only by a command given neither --app nor --database-url', async () => {
      const given = await runProcess(process.execPath, [BIN, 'privacy:info', '--database-url', 'postgres://nobody@127.0.0.1:1/none'], env)
      expect(given.code, given.stderr).to.equal(1)
      expect(await gitCalls()).to.equal('')
      const guessed = await runProcess(process.execPath, [BIN, 'privacy:info'], env)
      expect(guessed.code).to.not.equal(0)
      expect(await gitCalls()).to.include('remote')
    })
  })
})
