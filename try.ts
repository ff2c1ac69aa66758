import pg from 'pg'
import {HerokuSimulator} from './test/support/heroku-sim/simulator.ts'
import {seedWorld} from './test/support/heroku-sim/world.ts'
import {startPostgres} from './test/support/postgres-server.ts'
import {runCli} from './test/support/processes.ts'
const pgs = await startPostgres()
const sim = await HerokuSimulator.start(pgs)
const world = await seedWorld(sim)
const env = sim.cliEnv()
const show = (r: any) => console.log(r.code, r.stdout.slice(0, 2000), r.stderr.slice(-1500))
await runCli(['privacy:scan', '-a', 'privacy-demo', '--out', '/tmp/x/privacy.yml'], env)
show(await runCli(['privacy:restrict', '-a', 'privacy-demo', '--map', '/tmp/x/privacy.yml', '--subject', 'email=alice@example.com', '--reason', 'legal-claim', '--legal-hold', '--enforce'], env))
const c = new pg.Client(sim.databaseUrl(world.demoDatabase)); await c.connect()
try { await c.query("UPDATE users SET full_name = 'x' WHERE id = 1") } catch (e: any) { console.log('refused:', e.message, e.code) }
await c.query("SET heroku_privacy.bypass = 'court order 12'"); await c.query("UPDATE users SET full_name = 'Alice E.' WHERE id = 1"); await c.query('RESET heroku_privacy.bypass')
console.log((await c.query('SELECT count(*) FROM heroku_privacy_unrestricted.users')).rows, (await c.query('SELECT count(*) FROM users')).rows)
await c.end()
show(await runCli(['privacy:restrict:list', '-a', 'privacy-demo'], env))
show(await runCli(['privacy:restrict:lift', '-a', 'privacy-demo', '--subject', 'email=alice@example.com'], env))
show(await runCli(['privacy:restrict:lift', '-a', 'privacy-demo', '--subject', 'email=alice@example.com', '--approved-by', 'Alice', '--evidence', 'mail'], env))
show(await runCli(['privacy:restrict:lift', '-a', 'privacy-demo', '--subject', 'email=alice@example.com', '--approved-by', 'Alice', '--evidence', 'mail', '--release-hold', '--confirm', 'privacy-demo'], env))
show(await runCli(['privacy:ledger', '-a', 'privacy-demo'], env))
await sim.stop(); await pgs.stop()
