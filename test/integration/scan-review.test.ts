import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {expect} from 'chai'

import {parseDataMap} from '../../src/lib/datamap/load.js'
import {BIN, runCli, useDatabase} from '../support/context.js'

const DDL = `
  CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, encrypted_password text);
  CREATE TABLE notes (id serial PRIMARY KEY, user_id bigint REFERENCES users(id), col_b text);
  CREATE TABLE tickets (id serial PRIMARY KEY, requester_email text, subject text);
  INSERT INTO users SELECT g, 'person' || g || '@example.org', '$2a$12$' || md5(g::text) || md5(g::text) FROM generate_series(1, 40) g;
  INSERT INTO notes (user_id, col_b) SELECT g, 'Please write to me at person' || g || '@example.org about it' FROM generate_series(1, 40) g;
  INSERT INTO tickets (requester_email, subject) SELECT 'person' || g || '@example.org', 'Refund' FROM generate_series(1, 40) g;
`

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
})()

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

describe('privacy:scan --review in a terminal', function () {
  this.timeout(300_000)
  const db = useDatabase()
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'privacy-review-'))
    await db.pool.query(DDL)
    await db.pool.query('ANALYZE')
  })

  after(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('refuses without a terminal, with exit 2 and what to do instead', async () => {
    const result = await runCli(['privacy:scan', '--database-url', db.url, '--out', join(dir, 'no-tty.yml'), '--review'])
    expect(result.code).to.equal(2)
    expect(result.stderr).to.include('--review needs an interactive terminal')
  })

  it('refuses in a terminal where CI is set, where the review could not redraw', async function () {
    if (!hasTmux) this.skip()
    const socket = `privacy-review-${randomBytes(4).toString('hex')}`
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'})
    const command = `env CI=true ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} privacy:scan --database-url '${db.url}' --out '${join(dir, 'ci.yml')}' --review; echo "exit $?"; sleep 60`
    tmux('new-session', '-d', '-s', 'ci', '-x', '200', '-y', '50', command)
    try {
      let shown = ''
      for (let i = 0; i < 1200 && !shown.includes('exit '); i++) {
        await sleep(100)
        shown = tmux('capture-pane', '-p', '-J', '-t', 'ci')
      }
      expect(shown).to.include('CI is set in this environment')
      expect(shown).to.include('exit 2')
    } finally {
      tmux('kill-server')
    }
  })

  it('walks through the items in a real terminal (tmux) and saves the decisions', async function () {
    // .ci/run installs tmux; only a machine without it skips the real-terminal walk.
    if (!hasTmux) this.skip()
    const file = join(dir, 'privacy.yml')
    const socket = `privacy-review-${randomBytes(4).toString('hex')}`
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'})
    // A person at a terminal: CI, which a test run may have set, would stop the review from drawing (and is refused).
    const command = `env -u CI -u CONTINUOUS_INTEGRATION ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} privacy:scan --database-url '${db.url}' --out '${file}' --review; sleep 60`
    tmux('new-session', '-d', '-s', 'review', '-x', '160', '-y', '50', command)
    const screen = () => tmux('capture-pane', '-p', '-t', 'review')
    // A frame is complete once its key line is drawn under the heading.
    // Patience, not a time limit: on a loaded machine the scan and loading the terminal UI can take a minute or two.
    const waitFor = async (...texts: string[]) => {
      for (let i = 0; i < 2400; i++) {
        const shown = screen()
        if (texts.every(text => shown.includes(text))) return shown
        await sleep(100)
      }
      throw new Error(`the terminal never showed ${texts.map(t => `"${t}"`).join(' and ')}:\n${screen()}`)
    }
    try {
      const first = await waitFor('Review 1 of 2', '[q]uit')
      expect(first).to.include('public.notes.col_b')
      expect(first).to.include('value shapes: Aa a a a a a9@a.a… (')
      expect(first).not.to.include('@example.org')
      tmux('send-keys', '-t', 'review', 'c')
      await waitFor('category: 1 identity')
      tmux('send-keys', '-t', 'review', 'a')
      const second = await waitFor('Review 2 of 2', '[a]ccept  [r]eject')
      expect(second).to.include('public.tickets.requester_email → public.users.email')
      tmux('send-keys', '-t', 'review', 'a')
      await waitFor('Saved your review')
    } finally {
      tmux('kill-server')
    }
    const map = parseDataMap(await readFile(file, 'utf8'), file).map
    expect(map.tables['public.notes']?.columns?.col_b?.category).to.equal('free_text')
    expect(map.tables['public.tickets']?.via).to.deep.equal({column: 'requester_email', to: 'public.users.email'})
    expect(await readFile(file, 'utf8')).to.include('# reviewed: free_text')
  })
})
