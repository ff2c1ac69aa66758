import {mkdtempSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {importCycles} from '../../scripts/check-cycles.js'

describe('importCycles', () => {
  let root: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cycles-'))
    mkdirSync(join(root, 'ui'))
  })
  afterEach(() => rmSync(root, {recursive: true, force: true}))

  it('finds two modules that import each other, a type import included', () => {
    writeFileSync(join(root, 'ui/view.ts'), "import type {Renderer} from './renderer.js'\nexport const view = 1\n")
    writeFileSync(join(root, 'ui/renderer.ts'), "export interface Renderer {}\nexport const load = () => import('./view.js')\n")
    writeFileSync(join(root, 'alone.ts'), "import {view} from './ui/view.js'\nexport const x = view\n")
    expect(importCycles(root).map(cycle => cycle.map(file => file.slice(root.length + 1)))).to.deep.equal([['ui/renderer.ts', 'ui/view.ts']])
  })

  it('passes a tree whose shared types live in their own module', () => {
    writeFileSync(join(root, 'ui/types.ts'), 'export interface Renderer {}\n')
    writeFileSync(join(root, 'ui/view.ts'), "import type {Renderer} from './types.js'\nexport const view = 1\n")
    writeFileSync(join(root, 'ui/renderer.ts'), "import type {Renderer} from './types.js'\nexport const load = () => import('./view.js')\n")
    expect(importCycles(root)).to.deep.equal([])
  })

  it('finds none in src/', () => {
    expect(importCycles(new URL('../../src', import.meta.url).pathname)).to.deep.equal([])
  })
})
