import {PrivacyError} from '../errors.js'
import type {ProgressSink} from '../progress.js'
import {HerokuApi, dataApiPath, get, post} from './api.js'
import {describeHerokuFailure} from './describe-failure.js'
import type {HerokuDatabase} from './resolve-database.js'
import type {Transfer} from './types.js'

/** A copy of a database taken by the tool: what it is, and how to find it again. */
export type SnapshotRecord =
  | {kind: 'backup'; transferId: string; name: string; database: string; finishedAt: string}
  | {kind: 'fork'; addon: string; attachment: string | null; database: string; createdAt: string}

export interface WaitOptions {
  clock: () => Date
  sleep: (ms: number) => Promise<void>
  pollMs?: number
  timeoutMs?: number
  progress?: ProgressSink
}

export function backupName(transfer: Pick<Transfer, 'num'>): string {
  return `b${String(transfer.num).padStart(3, '0')}`
}

/** Captures a Heroku Postgres backup and waits for it, as `heroku pg:backups:capture` does. */
export async function captureBackup(api: HerokuApi, database: HerokuDatabase, wait: WaitOptions): Promise<SnapshotRecord> {
  const app = database.attachment.addon.app.name
  let transfer: Transfer
  try {
    transfer = await post<Transfer>(api, dataApiPath(`/databases/${encodeURIComponent(database.attachment.addon.id)}/backups`), undefined, {service: 'data'})
  } catch (error) {
    throw describeHerokuFailure(error, `starting a backup of ${database.label}`)
  }
  const started = wait.clock().getTime()
  const timeoutMs = wait.timeoutMs ?? 60 * 60_000
  wait.progress?.({kind: 'step', message: `backing up ${database.label} to ${backupName(transfer)} (transfer ${transfer.uuid})`})
  while (!transfer.finished_at) {
    if (wait.clock().getTime() - started > timeoutMs) {
      throw new PrivacyError(
        `Backup ${backupName(transfer)} (transfer ${transfer.uuid}) did not finish within ${Math.round(timeoutMs / 60_000)} minutes; nothing was recorded. Check it with \`heroku pg:backups:info ${backupName(transfer)} -a ${app}\` and try again.`,
        {code: 'backup_timeout'},
      )
    }
    await wait.sleep(wait.pollMs ?? 3000)
    try {
      transfer = await get<Transfer>(api, dataApiPath(`/apps/${encodeURIComponent(app)}/transfers/${transfer.uuid}`), {service: 'data'})
    } catch (error) {
      throw describeHerokuFailure(error, `checking backup transfer ${transfer.uuid}`)
    }
    wait.progress?.({kind: 'count', label: 'backed up', done: transfer.processed_bytes, unit: 'bytes'})
  }
  if (!transfer.succeeded) {
    throw new PrivacyError(
      `Backup ${backupName(transfer)} (transfer ${transfer.uuid}) failed; nothing was recorded. See \`heroku pg:backups:info ${backupName(transfer)} -a ${app}\`.`,
      {code: 'backup_failed'},
    )
  }
  return {kind: 'backup', transferId: transfer.uuid, name: backupName(transfer), database: database.label, finishedAt: transfer.finished_at}
}

interface AddonBody {
  name: string
  state: 'provisioning' | 'provisioned' | 'deprovisioned'
  config_vars?: string[]
}

/** Forks the database into a new add-on (a full copy) and waits until it is provisioned. */
export async function createFork(api: HerokuApi, database: HerokuDatabase, wait: WaitOptions): Promise<SnapshotRecord> {
  const app = database.attachment.app.name
  let addon: AddonBody
  try {
    addon = await post<AddonBody>(api, `/apps/${encodeURIComponent(app)}/addons`, {
      plan: database.attachment.addon.plan.name,
      config: {fork: database.attachment.name},
    })
  } catch (error) {
    throw describeHerokuFailure(error, `forking ${database.label}`)
  }
  const started = wait.clock().getTime()
  const timeoutMs = wait.timeoutMs ?? 6 * 60 * 60_000
  wait.progress?.({kind: 'step', message: `forking ${database.label} into ${addon.name}`})
  while (addon.state === 'provisioning') {
    if (wait.clock().getTime() - started > timeoutMs) {
      throw new PrivacyError(
        `Fork ${addon.name} is still provisioning after ${Math.round(timeoutMs / 60_000)} minutes; nothing was recorded. Wait with \`heroku addons:wait ${addon.name} -a ${app}\` and try again.`,
        {code: 'fork_timeout'},
      )
    }
    await wait.sleep(wait.pollMs ?? 5000)
    addon = await get<AddonBody>(api, `/apps/${encodeURIComponent(app)}/addons/${encodeURIComponent(addon.name)}`).catch(error => {
      throw describeHerokuFailure(error, `checking fork ${addon.name}`)
    })
  }
  if (addon.state !== 'provisioned') {
    throw new PrivacyError(`Fork ${addon.name} of ${database.label} failed to provision; nothing was recorded.`, {code: 'fork_failed'})
  }
  const attachment = addon.config_vars?.find(v => v.startsWith('HEROKU_POSTGRESQL_'))?.replace(/_URL$/, '') ?? null
  return {kind: 'fork', addon: addon.name, attachment, database: database.label, createdAt: wait.clock().toISOString()}
}
