import {ChildProcess, spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the plugin's standalone binary the way a user or a CI job would: no TTY, no stdin. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], env)
}

export function runProcess(command: string, args: string[], env: Record<string, string | undefined> = {}, cwd = PROJECT_ROOT): Promise<CliResult> {
  return startProcess(command, args, env, cwd).result
}

export interface RunningProcess {
  child: ChildProcess
  /** What it printed so far. */
  output(): {stdout: string; stderr: string}
  result: Promise<CliResult>
}

/** Starts a process in the background (a server, say), collecting what it prints. */
export function startProcess(command: string, args: string[], env: Record<string, string | undefined> = {}, cwd = PROJECT_ROOT): RunningProcess {
  const child = spawn(command, args, {cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', chunk => {
    stdout += chunk
  })
  child.stderr!.on('data', chunk => {
    stderr += chunk
  })
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code => resolve({code, stdout, stderr}))
  })
  return {child, output: () => ({stdout, stderr}), result}
}

/** The parent's environment without anything that could point a command at a real Heroku account or database. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(HEROKU_|DATABASE_URL$|PG[A-Z]+$)/.test(key)) continue
    env[key] = value
  }
  env.CI = 'true'
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }
  return env
}
