import {HerokuSimulator} from './test/support/heroku-sim/simulator.ts'
import {seedWorld} from './test/support/heroku-sim/world.ts'
import {startPostgres} from './test/support/postgres-server.ts'
import {runCli} from './test/support/processes.ts'
const pgs = await startPostgres()
const sim = await HerokuSimulator.start(pgs)
await seedWorld(sim)
const r = await runCli(['privacy:scan', '-a', 'privacy-demo', '--out', '/tmp/privacy.yml'], sim.cliEnv())
console.log(r.code, r.stdout, r.stderr.slice(-3000))
const r2 = await runCli(['privacy:scan', '-a', 'privacy-demo', '--out', '/tmp/privacy.yml', '--check'], sim.cliEnv())
console.log(r2.code, r2.stdout, r2.stderr.slice(-3000))
await sim.stop(); await pgs.stop()
