/**
 * `npm run simulator`: a Postgres, the simulator and the fixture, running
 * until Ctrl-C, so a heroku CLI can be pointed at it by hand.
 */
import {HerokuSimulator} from './heroku-sim/simulator.js'
import {seedWorld} from './heroku-sim/world.js'
import {startPostgres} from './postgres-server.js'

const postgres = await startPostgres()
const sim = await HerokuSimulator.start(postgres)
const world = await seedWorld(sim)
const env = sim.cliEnv()

process.stdout.write(`Heroku API simulator on ${sim.url} (PostgreSQL ${postgres.majorVersion}, ${postgres.kind})

Point a heroku CLI at it:
${Object.entries(env)
  .map(([k, v]) => `  export ${k}=${v}`)
  .join('\n')}

Apps: ${[world.demo, world.shield, world.private, world.noDatabase, world.other].map(a => a.name).join(', ')}
Try: heroku pg:info -a ${world.demo.name}    or    ./bin/run.js privacy:info -a ${world.demo.name}

Press Ctrl-C to stop.
`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await sim.stop()
  await postgres.stop()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
