import {existsSync} from 'node:fs'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {CliResult, PROJECT_ROOT, runProcess} from './processes.js'

/** The real heroku CLI from npm, kept in .cache between runs (it is about 400 MB). */
export const HEROKU_CLI_DIR = join(PROJECT_ROOT, '.cache', 'heroku-cli')
const HEROKU_BIN = join(HEROKU_CLI_DIR, 'node_modules', '.bin', 'heroku')
export const HEROKU_CLI_VERSION = '11'

export async function ensureHerokuCli(): Promise<string> {
  if (existsSync(HEROKU_BIN)) return HEROKU_BIN
  await mkdir(HEROKU_CLI_DIR, {recursive: true})
  await writeFile(join(HEROKU_CLI_DIR, 'package.json'), JSON.stringify({name: 'heroku-cli-for-tests', private: true}))
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const result = await runProcess(npm, ['install', `heroku@${HEROKU_CLI_VERSION}`, '--no-audit', '--no-fund', '--loglevel=error'], {}, HEROKU_CLI_DIR)
  if (result.code !== 0 || !existsSync(HEROKU_BIN)) throw new Error(`could not install the heroku CLI: ${result.stderr.slice(-2000)}`)
  return HEROKU_BIN
}

export interface HerokuCli {
  run(args: string[], env?: Record<string, string | undefined>): Promise<CliResult>
  /** Removes the throwaway HOME. */
  dispose(): Promise<void>
}

/**
 * A heroku CLI with its own throwaway HOME (its config, cache, linked plugins
 * and the git credential helper it writes stay out of the user's), pointed at
 * the simulator, with this plugin linked.
 */
export async function herokuCliWithPlugin(simEnv: Record<string, string>): Promise<HerokuCli> {
  const bin = await ensureHerokuCli()
  const home = await mkdtemp(join(tmpdir(), 'heroku-home-'))
  const baseEnv = {
    ...simEnv,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
  }
  const cli: HerokuCli = {
    run: (args, env = {}) => runProcess(bin, args, {...baseEnv, ...env}, home),
    dispose: () => rm(home, {recursive: true, force: true}),
  }
  const linked = await cli.run(['plugins:link', PROJECT_ROOT])
  if (linked.code !== 0) throw new Error(`heroku plugins:link failed: ${linked.stderr}`)
  return cli
}
