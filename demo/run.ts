/**
 * `npm run demo`: the story an admin lives through, on this machine alone —
 * an embedded PostgreSQL, the local Heroku API simulator and a small SaaS
 * app's data. Nothing reaches Heroku; everything is removed at the end.
 */
import {ChildProcess, spawn} from 'node:child_process'
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import {join, relative} from 'node:path'

import pg from 'pg'

import {HerokuSimulator} from '../test/support/heroku-sim/simulator.js'
import {seedWorld} from '../test/support/heroku-sim/world.js'
import {PostgresServer, freePort, startPostgres} from '../test/support/postgres-server.js'
import {BIN, PROJECT_ROOT, cleanEnv} from '../test/support/processes.js'
import {logplexBody, postBatch} from '../test/support/logplex.js'
import {redactSecrets} from '../src/lib/redact.js'

const say = (text: string) => process.stdout.write(`${text}\n`)
const OUTPUT = join(PROJECT_ROOT, 'demo-output')

let postgres: PostgresServer | undefined
let sim: HerokuSimulator | undefined
let receiver: ChildProcess | undefined

async function cleanUpReceiver() {
  if (receiver && receiver.exitCode === null) {
    const stopped = new Promise(resolve => receiver!.on('close', resolve))
    receiver.kill('SIGTERM')
    await stopped
  }
}

async function cleanUp() {
  await cleanUpReceiver()
  await sim?.stop().catch(() => {})
  await postgres?.stop().catch(() => {})
}

process.on('SIGINT', () => {
  cleanUp().finally(() => process.exit(130))
})

/** Shows the command as an admin would type it, then runs this plugin's binary with the same arguments. */
function show(args: string[], env: Record<string, string>): Promise<number> {
  say(`\n$ heroku ${redactSecrets(args.map(arg => (/\s/.test(arg) ? `"${arg}"` : arg)).join(' '))}`)
  return new Promise((resolve, reject) => {
    // Messages and warnings go to stdout too, so a reader of the demo's output sees each refusal beside its exit code.
    const child = spawn(process.execPath, [BIN, ...args], {cwd: PROJECT_ROOT, env: cleanEnv(env), stdio: ['ignore', 'inherit', 'pipe']})
    child.stderr!.on('data', chunk => process.stdout.write(chunk))
    child.on('error', reject)
    child.on('close', code => resolve(code ?? 1))
  })
}

/** What `heroku pg:backups:restore` does, through the simulator's API: a new database, then the oldest backup restored into it. */
async function restoreLatestBackup(simulator: HerokuSimulator, app: string): Promise<void> {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${simulator.url}${path}`, {
      method,
      headers: {Authorization: `Bearer ${simulator.apiKey}`, 'Content-Type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return response.json() as Promise<Record<string, string>>
  }
  const addon = await call('POST', `/apps/${app}/addons`, {plan: 'heroku-postgresql:standard-0', attachment: {name: 'RESTORED'}})
  const [backup] = (await call('GET', `/client/v11/apps/${app}/transfers`)) as unknown as Array<Record<string, string>>
  const restore = await call('POST', `/client/v11/databases/${addon.id}/restores`, {backup_url: backup!.to_url})
  for (
    let transfer = await call('GET', `/client/v11/apps/${app}/transfers/${restore.uuid}`);
    !transfer.finished_at;
    transfer = await call('GET', `/client/v11/apps/${app}/transfers/${restore.uuid}`)
  ) {
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  say(`(restored ${backup!.to_name ?? 'b001'} into RESTORED)`)
}

const DRAIN_AUTH = 'drain:demo-drain-password'

/** Starts privacy:logs:serve in the background, on its own database, and waits until it answers. */
async function startReceiver(server: PostgresServer): Promise<{drainUrl: string; storeUrl: string}> {
  const admin = new pg.Client({connectionString: server.url()})
  await admin.connect()
  await admin.query('CREATE DATABASE demo_logs')
  await admin.end()
  const storeUrl = server.url('demo_logs')
  const port = await freePort()
  say(`\n$ heroku privacy:logs:serve --database-url postgres://…/demo_logs --auth drain:*** --port ${port} &`)
  receiver = spawn(
    process.execPath,
    [BIN, 'privacy:logs:serve', '--database-url', storeUrl, '--auth', DRAIN_AUTH, '--port', String(port), '--redact', 'password', '--stats-every', '0'],
    {cwd: PROJECT_ROOT, env: cleanEnv({}), stdio: ['ignore', 'inherit', 'inherit']},
  )
  for (let ready = false; !ready;) {
    if (receiver.exitCode !== null) throw new Error('the log receiver did not start')
    ready = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      r => r.ok,
      () => false,
    )
    if (!ready) await new Promise(resolve => setTimeout(resolve, 200))
  }
  return {drainUrl: `http://${DRAIN_AUTH}@127.0.0.1:${port}/drain`, storeUrl}
}

/** What Logplex sends the drain: router and app lines, some about Alice. */
async function deliverLogs(drainUrl: string, token: string, second: Person): Promise<void> {
  const url = new URL(drainUrl)
  const credentials = {user: url.username, password: url.password, token}
  url.username = ''
  url.password = ''
  const batches = [
    [
      'at=info method=GET path="/account?email=alice%40example.com" host=privacy-demo.herokuapp.com fwd="203.0.113.7" status=200',
      'at=info method=GET path="/" fwd="198.51.100.23" status=200',
    ],
    ['User alice@example.com signed in from 10.0.0.1', `User ${second.email} signed in`, 'login attempt password=hunter2 rejected'],
  ]
  for (const [index, lines] of batches.entries()) {
    await postBatch(url.toString(), logplexBody(lines, {app: index === 0 ? 'heroku' : 'app', proc: index === 0 ? 'router' : 'web.1'}), {
      credentials,
      frameId: crypto.randomUUID(),
      count: lines.length,
    })
  }
  say(`(Logplex delivered ${batches.flat().length} lines in ${batches.length} batches; "password=hunter2" was stored as "password=[redacted]")`)
}

interface Person {
  name: string
  email: string
}

/** The fixture's people by id, so the story speaks of them by the names the data holds. */
async function peopleOf(url: string, ids: number[]): Promise<Person[]> {
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    const {rows} = await client.query<{id: number; name: string; email: string}>('SELECT id, full_name AS name, email FROM users WHERE id = ANY($1)', [ids])
    return ids.map(id => rows.find(r => Number(r.id) === id)!)
  } finally {
    await client.end()
  }
}

/** The id of the request the demo opened, read back the way a runbook would: through --json. */
async function requestId(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'privacy:requests', '-a', 'privacy-demo', '--json'], {
    cwd: PROJECT_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', chunk => {
    out += chunk
  })
  await new Promise(resolve => child.on('close', resolve))
  return (JSON.parse(out) as {requests: Array<{id: string}>}).requests[0]!.id
}

try {
  say("heroku-privacy demo: an embedded PostgreSQL, the local Heroku API simulator and a small SaaS app's data.")
  await rm(OUTPUT, {recursive: true, force: true})
  await mkdir(OUTPUT, {recursive: true})
  postgres = await startPostgres('embedded')
  say(`· PostgreSQL ${postgres.majorVersion} started on 127.0.0.1:${postgres.port}`)
  sim = await HerokuSimulator.start(postgres)
  const world = await seedWorld(sim)
  say(`· Heroku API simulator on ${sim.url}, serving ${[world.demo, world.shield, world.noDatabase, world.other].map(a => a.name).join(', ')}`)
  const env = sim.cliEnv()
  const [second, fifth] = await peopleOf(sim.databaseUrl(world.demoDatabase), [2, 5])
  const bob = second!.name.split(' ')[0]!
  const carol = fifth!.name.split(' ')[0]!

  say('\n1. Which database will the privacy commands use, and where does it live?')
  await show(['privacy:info', '-a', world.demo.name], env)

  say('\n2. The same for its follower, named the way `heroku pg:*` names databases:')
  await show(['privacy:info', '-a', world.demo.name, '--database', world.demoFollower.colorName], env)

  say('\n3. For scripts and CI, every command speaks JSON:')
  await show(['privacy:info', '-a', world.shield.name, '--json'], env)

  const map = join(OUTPUT, 'privacy.yml')
  say('\n4. Where is the personal data? The scan writes the data map, with its evidence, for a person to review:')
  await show(['privacy:scan', '-a', world.demo.name, '--out', relative(PROJECT_ROOT, map)], env)
  const excerpt = (await readFile(map, 'utf8')).split('\n').filter(line => /support_tickets:|requester_email|card_number:/.test(line))
  say(`\nExcerpt of ${relative(PROJECT_ROOT, map)}:\n${excerpt.join('\n')}`)

  say('\n5. In CI, --check fails (exit 3) when the schema gains a column the map does not classify:')
  const admin = new pg.Client({connectionString: sim.databaseUrl(world.demoDatabase)})
  await admin.connect()
  await admin.query('ALTER TABLE addresses ADD COLUMN phone text')
  await admin.end()
  say('(a migration ran: ALTER TABLE addresses ADD COLUMN phone text)')
  say(`(exit code ${await show(['privacy:scan', '-a', world.demo.name, '--out', relative(PROJECT_ROOT, map), '--check'], env)})`)

  say('\n6. A request arrives: record it with its legal deadline (the ledger keeps a fingerprint, never the email):')
  await show(['privacy:requests:open', '-a', world.demo.name, '--kind', 'access', '--subject', 'email=alice@example.com', '--reference', 'TICKET-1042'], env)
  await show(['privacy:requests', '-a', world.demo.name], env)

  say("\n7. Logs hold personal data too. Run the drain receiver, point the app's log drain at it, and let Logplex deliver:")
  const logs = await startReceiver(postgres)
  await show(['privacy:logs:drain', '-a', world.demo.name, '--url', logs.drainUrl], env)
  await show(['privacy:logs:drain:list', '-a', world.demo.name], env)
  await deliverLogs(logs.drainUrl, world.demo.drains.at(-1)!.token, second!)

  const archive = join(OUTPUT, 'alice-export.zip')
  say('\n8. Answer it: one archive with everything the map ties to Alice, read from one consistent snapshot, and her log lines:')
  const opened = await requestId(env)
  const exportAlice = [
    'privacy:export',
    '-a',
    world.demo.name,
    '--map',
    relative(PROJECT_ROOT, map),
    '--subject',
    'email=alice@example.com',
    '--request',
    opened,
    '--out',
    relative(PROJECT_ROOT, archive),
    '--include-logs',
    '--logs-database-url',
    logs.storeUrl,
    '--locale',
    'de',
  ]
  say(
    'Her orders carry card data, so a plain zip is refused (exit 4) unless it is encrypted to her key (--encrypt-to age1…) or the admin says it travels another safe way:',
  )
  say(`(exit code ${await show(exportAlice, env)})`)
  await show([...exportAlice, '--allow-plaintext'], env)
  await show(['privacy:verify', relative(PROJECT_ROOT, archive)], env)
  await show(['privacy:requests:close', opened, '-a', world.demo.name, '--outcome', 'archive sent to the person'], env)
  await show(['privacy:ledger', '-a', world.demo.name, '--request', opened], env)
  await show(['privacy:ledger:verify', '-a', world.demo.name], env)

  say(`\n9. ${second!.name} (id 2) disputes their data and a legal claim is pending: restrict processing, keep a real snapshot, enforce it:`)
  await show(
    [
      'privacy:restrict',
      '-a',
      world.demo.name,
      '--map',
      relative(PROJECT_ROOT, map),
      '--subject',
      'id=2',
      '--reason',
      'legal-claim',
      '--legal-hold',
      '--enforce',
    ],
    env,
  )
  await show(['privacy:restrict:list', '-a', world.demo.name], env)
  say('(an UPDATE of those rows now fails unless the session sets heroku_privacy.bypass to a reason; the app can read heroku_privacy_unrestricted.* views)')
  say(`Lifting needs ${bob}'s recorded approval; without it the command refuses with exit 4:`)
  say(`(exit code ${await show(['privacy:restrict:lift', '-a', world.demo.name, '--subject', 'id=2', '--confirm', world.demo.name], env)})`)
  await show(
    [
      'privacy:restrict:lift',
      '-a',
      world.demo.name,
      '--subject',
      'id=2',
      '--approved-by',
      second!.name,
      '--evidence',
      'signed settlement, TICKET-1077',
      '--release-hold',
      '--confirm',
      world.demo.name,
    ],
    env,
  )

  say(`\n10. ${fifth!.name} (id 5) asks to be erased. A reviewer confirms the proposed references in the map, then: plan, erase, and what is left elsewhere:`)
  await writeFile(map, (await readFile(map, 'utf8')).replace(/, proposed: true \}/g, ' }'))
  await show(['privacy:erase', '-a', world.demo.name, '--map', relative(PROJECT_ROOT, map), '--subject', 'id=5', '--dry-run'], env)
  await show(
    [
      'privacy:erase',
      '-a',
      world.demo.name,
      '--map',
      relative(PROJECT_ROOT, map),
      '--subject',
      'id=5',
      '--include-connect',
      '--include-logs',
      '--logs-database-url',
      logs.storeUrl,
      '--confirm',
      world.demo.name,
    ],
    env,
  )
  await show(['privacy:ledger:verify', '-a', world.demo.name], env)

  say(`\n11. A restore brings ${carol} back: backup b001 was taken before the erasure. Restore it into a new database,`)
  say('    as `heroku addons:create heroku-postgresql:standard-0 --as RESTORED` and `heroku pg:backups:restore b001 RESTORED` would:')
  await restoreLatestBackup(sim, world.demo.name)
  await show(['privacy:snapshots', '-a', world.demo.name], env)
  await show(['privacy:reapply', '-a', world.demo.name, '--database', 'RESTORED', '--map', relative(PROJECT_ROOT, map), '--confirm', world.demo.name], env)

  say('\n12. Where does the app keep data, and is its set-up fit for it? (a CI gate: exit 3 on findings)')
  await show(['privacy:inventory', '-a', world.demo.name], env)
  say(`(exit code ${await show(['privacy:check', '-a', world.demo.name, '--map', relative(PROJECT_ROOT, map)], env)})`)
  say('(map-reviewed: the purposes, recipients and controller the scan guessed are still marked review: true)')
  say('\nThe record of processing (Art. 30), built from the same map, the add-ons and the Data API:')
  await show(['privacy:records', '-a', world.demo.name, '--map', relative(PROJECT_ROOT, map)], env)

  say('\n13. Bad input gets one line and a non-zero exit:')
  const code = await show(['privacy:info', '-a', world.noDatabase.name], env)
  say(`(exit code ${code})`)

  say('\nThe log receiver stops on SIGTERM and says what it stored:')
  await cleanUpReceiver()
  say(`\nDone. The export archive is ${relative(PROJECT_ROOT, archive)}; unzip it and open index.html to see what Alice receives.`)
  say(`The data map is ${relative(PROJECT_ROOT, map)}. The demo removed its database and simulator, and can run again any time with \`npm run demo\`.`)
} finally {
  await cleanUp()
}
