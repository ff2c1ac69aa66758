import {HerokuSimulator} from './test/support/heroku-sim/simulator.ts'
import {seedWorld} from './test/support/heroku-sim/world.ts'
import {startPostgres} from './test/support/postgres-server.ts'
import {runCli} from './test/support/processes.ts'
import {readFileSync, writeFileSync} from 'node:fs'
const pgs = await startPostgres()
const sim = await HerokuSimulator.start(pgs)
await seedWorld(sim)
const env = sim.cliEnv()
const show = (r: any) => console.log(r.code, r.stdout.slice(0, 4000), r.stderr.slice(-1500))
await runCli(['privacy:scan', '-a', 'privacy-demo', '--out', '/tmp/x/privacy.yml'], env)
writeFileSync('/tmp/x/privacy.yml', readFileSync('/tmp/x/privacy.yml', 'utf8').replace(/, proposed: true \}/g, ' }'))
show(await runCli(['privacy:erase', '-a', 'privacy-demo', '--map', '/tmp/x/privacy.yml', '--subject', 'email=alice@example.com', '--dry-run'], env))
show(await runCli(['privacy:erase', '-a', 'privacy-demo', '--map', '/tmp/x/privacy.yml', '--subject', 'email=alice@example.com', '--confirm', 'privacy-demo'], env))
await sim.stop(); await pgs.stop()
