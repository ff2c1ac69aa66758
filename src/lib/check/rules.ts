import {hasDrift} from '../datamap/diff.js'
import {SENSITIVE_CATEGORIES} from '../datamap/schema.js'
import {actionOf} from '../erase/decide.js'
import {unindexedReferences} from '../erase/unindexed.js'
import {describeRegion} from '../heroku/region.js'
import {isLoopbackHost} from '../loopback.js'
import type {CheckContext} from './context.js'
import type {RuleOutcome, Severity} from './findings.js'
import type {Found, Rule} from './rule.js'
import {PROCESSING_RULES} from './processing-rules.js'

export type {Rule} from './rule.js'

const EU_REGIONS = new Set(['eu', 'dublin', 'frankfurt'])
const US_REGIONS = new Set(['us', 'virginia', 'oregon'])
const REGION_POLICIES: Record<string, Set<string>> = {eu: EU_REGIONS, us: US_REGIONS}

const finding = (severity: Severity, message: string, evidence: string, fix: string): Found => ({severity, message, evidence, fix})

/**
 * Team members who can reach the app (collaborators, and every team admin)
 * without two-factor authentication. The Platform API gives two-factor status
 * only in the team's member list, so apps outside a team cannot be judged.
 */
function withoutTwoFactor(c: CheckContext): NonNullable<CheckContext['teamMembers']> {
  if (!c.teamMembers) return []
  const withAccess = new Set(c.collaborators.map(m => m.user.email))
  return c.teamMembers.filter(m => m.two_factor_authentication === false && (withAccess.has(m.email) || m.role === 'admin'))
}

export const RULES: Rule[] = [
  {
    id: 'region',
    title: 'Data stays in the region the map requires',
    run(c) {
      const policy = c.map?.region
      if (!policy) return {skipped: c.map ? 'the data map sets no region: policy' : 'no data map'}
      const where = c.space?.region?.name ?? c.app.region?.name ?? 'unknown'
      const allowed = REGION_POLICIES[policy] ?? new Set([policy])
      return allowed.has(where)
        ? []
        : [
            finding(
              'error',
              `${c.app.name} runs in ${describeRegion(where)}; the data map requires ${policy}`,
              `app region ${c.app.region?.name}${c.space ? `, space ${c.space.name} in ${c.space.region?.name}` : ''}`,
              `Move the app and its database to a ${policy} region (a new app or Private Space in ${policy}, then pg:copy), or correct region: in privacy.yml.`,
            ),
          ]
    },
  },
  {
    id: 'shield',
    title: 'Sensitive data is in a Shield Private Space',
    run(c) {
      if (!c.map) return {skipped: 'no data map'}
      const sensitive = Object.entries(c.map.tables).flatMap(([table, spec]) =>
        Object.entries(spec.columns ?? {})
          .filter(([, col]) => SENSITIVE_CATEGORIES.has(col.category))
          .map(([column, col]) => `${table}.${column} (${col.category})`),
      )
      if (sensitive.length === 0 || c.space?.shield) return []
      return [
        finding(
          'error',
          `${c.app.name} keeps ${sensitive.length} column(s) of card, bank, government-id, health or biometric data outside a Shield Private Space`,
          sensitive.slice(0, 8).join(', ') + (sensitive.length > 8 ? ', …' : ''),
          'Run the app in a Shield Private Space with a Shield database (required for PCI and HIPAA workloads), or stop storing these columns.',
        ),
      ]
    },
  },
  {
    id: 'encryption-at-rest',
    title: 'The database is encrypted at rest',
    run(c) {
      if (!c.database) return {skipped: 'no Heroku Postgres database'}
      const value = c.database.info.encryptionAtRest
      return value && /in use|on|enabled/i.test(value)
        ? []
        : [
            finding(
              'error',
              `${c.database.resolved.label} does not report encryption at rest`,
              `Data Encryption: ${value ?? 'not reported'}`,
              'Move to a plan with encryption at rest (all current Standard, Premium, Private and Shield plans have it).',
            ),
          ]
    },
  },
  {
    id: 'recovery',
    title: 'Continuous protection and high availability match the recovery objectives',
    run(c) {
      if (!c.database) return {skipped: 'no Heroku Postgres database'}
      const found: Found[] = []
      const {info, resolved} = c.database
      if (!/on/i.test(info.continuousProtection ?? ''))
        found.push(
          finding(
            'warning',
            `${resolved.label} has no continuous protection (point-in-time recovery)`,
            `Continuous Protection: ${info.continuousProtection ?? 'not reported'}`,
            'Use a Standard plan or above for continuous protection and rollbacks.',
          ),
        )
      if (!info.highAvailability)
        found.push(
          finding(
            'info',
            `${resolved.label} has no high-availability standby`,
            `HA Status: ${info.highAvailability ?? 'none'}`,
            'Premium, Private and Shield plans add an HA standby if the recovery time objective needs one.',
          ),
        )
      return found
    },
  },
  {
    id: 'backups',
    title: 'Backups run on a schedule and the last one is recent',
    run(c) {
      if (!c.database) return {skipped: 'no Heroku Postgres database'}
      const found: Found[] = []
      if (c.database.schedules.length === 0)
        found.push(
          finding(
            'warning',
            `${c.database.resolved.label} has no backup schedule`,
            'GET transfer-schedules returned none',
            `heroku pg:backups:schedule ${c.database.resolved.configVar} --at '02:00 UTC' -a ${c.app.name}`,
          ),
        )
      const last = c.database.transfers
        .filter(t => t.to_type === 'gof3r' && t.succeeded)
        .map(t => t.finished_at ?? t.created_at)
        .sort()
        .at(-1)
      if (!last)
        found.push(
          finding(
            'warning',
            `${c.database.resolved.label} has no completed backup`,
            'no succeeded pg_dump transfer',
            `heroku pg:backups:capture -a ${c.app.name}`,
          ),
        )
      else if (c.now.getTime() - new Date(last).getTime() > 48 * 3600 * 1000)
        found.push(
          finding(
            'warning',
            `The last backup of ${c.database.resolved.label} is older than 48 hours`,
            `last completed ${last}`,
            'Check the backup schedule (heroku pg:backups:schedules).',
          ),
        )
      return found
    },
  },
  {
    id: 'drains-tls',
    title: 'Every log drain uses TLS',
    run(c) {
      const plain = c.drains
        .filter(d => /^(http|syslog):\/\//i.test(d.url))
        .map(d => {
          try {
            const url = new URL(d.url)
            return {where: `${url.protocol}//${url.host}`, local: isLoopbackHost(url.hostname)}
          } catch {
            return {where: d.url.replace(/\/\/[^@/]*@/, '//'), local: false}
          }
        })
      return {
        found: plain
          .filter(d => !d.local)
          .map(d =>
            finding(
              'error',
              `A log drain sends ${c.app.name}'s logs without TLS`,
              d.where,
              `heroku drains:remove ${d.where} -a ${c.app.name}, then add it again as https:// or syslog+tls://`,
            ),
          ),
        // Logplex cannot reach this machine's loopback address: such a drain is a local demo or test, not a leak.
        notes: plain
          .filter(d => d.local)
          .map(
            d =>
              `the drain ${d.where} is on a loopback address, which Logplex cannot reach: a local set-up, not counted (remove it when done: heroku drains:remove ${d.where} -a ${c.app.name})`,
          ),
      }
    },
  },
  {
    id: 'access',
    title: 'Least-privilege access with two-factor authentication',
    run(c) {
      const found: Found[] = []
      const admins = c.collaborators.filter(m => m.role === 'admin' || m.role === 'owner' || m.permissions.some(p => p.name === 'manage'))
      if (admins.length > c.maxAdmins)
        found.push(
          finding(
            'warning',
            `${admins.length} people can manage ${c.app.name} (more than ${c.maxAdmins})`,
            admins.map(a => a.user.email).join(', '),
            'Remove the manage permission from those who do not need it (heroku access:update).',
          ),
        )
      for (const member of withoutTwoFactor(c)) {
        found.push(
          finding(
            'error',
            `${member.email} can reach ${c.app.name} without two-factor authentication`,
            `team ${c.app.team!.name}, role ${member.role ?? 'member'}`,
            'Require 2FA for the team, or remove the account (heroku access:remove).',
          ),
        )
      }
      if (c.app.team) {
        for (const member of c.collaborators.filter(m => m.role === 'collaborator'))
          found.push(
            finding(
              'warning',
              `${member.user.email} has access to team app ${c.app.name} from outside the team`,
              'role collaborator',
              'Make them a team member with the least permissions, or remove them.',
            ),
          )
      }
      return found
    },
  },
  {
    id: 'map-drift',
    title: 'The data map classifies every column of the database',
    run(c) {
      if (!c.map || !c.drift) return {skipped: c.map ? 'the database was not read' : 'no data map'}
      if (!hasDrift(c.drift)) return []
      const d = c.drift
      const parts = [
        ...d.tablesAdded.map(t => `new table ${t}`),
        ...d.columnsUnclassified.map(x => `new column ${x.table}.${x.column}`),
        ...d.tablesDropped.map(t => `gone ${t}`),
        ...d.columnsDropped.map(x => `gone ${x.table}.${x.column}`),
      ]
      return [
        finding(
          'error',
          `The data map is out of date (${parts.length} difference(s))`,
          parts.slice(0, 8).join(', '),
          'heroku privacy:scan, review the change to privacy.yml, and commit it.',
        ),
      ]
    },
  },
  {
    id: 'requests-due',
    title: 'No data subject request is overdue or about to be',
    run(c) {
      if (!c.requests) return {skipped: 'no ledger'}
      return c.requests
        .filter(r => r.status === 'open' && r.daysLeft <= 7)
        .map(r =>
          r.isOverdue
            ? finding(
                'error',
                `Request ${r.id} (${r.kind}) is overdue`,
                `due ${r.dueOn}, ${-r.daysLeft} day(s) ago`,
                'Answer it now and record the outcome (privacy:requests:close); extend only with a reason and within two months.',
              )
            : finding(
                'warning',
                `Request ${r.id} (${r.kind}) is due in ${r.daysLeft} day(s)`,
                `due ${r.dueOn}`,
                'Answer it, or extend it with a reason (privacy:requests:extend).',
              ),
        )
    },
  },
  {
    id: 'snapshots-reconciled',
    title: 'Forks are reconciled with erasures and restrictions made after them',
    run(c) {
      if (!c.snapshots) return {skipped: 'no ledger'}
      return c.snapshots
        .filter(s => s.kind === 'fork' && s.reconciled === false)
        .map(s =>
          finding(
            'warning',
            `Fork ${s.name} predates ${s.predates.length} recorded erasure(s) or restriction(s) and was not reconciled`,
            s.predates.map(p => `${p.action} #${p.seq}`).join(', '),
            `heroku privacy:reapply -a ${c.app.name} --database ${s.name}`,
          ),
        )
        .concat(
          c.snapshots
            .filter(s => s.kind === 'backup' && s.requests.length > 0)
            .map(s =>
              finding(
                'info',
                `Backup ${s.name} still holds data of request(s) ${s.requests.join(', ')}`,
                s.note,
                `Delete it (heroku pg:backups:delete ${s.name} -a ${c.app.name}) or document why it is kept until it expires.`,
              ),
            ),
        )
    },
  },
  {
    id: 'restriction-bypasses',
    title: 'Restricted rows were not changed',
    run(c) {
      if (!c.events) return {skipped: 'no ledger'}
      const bypasses = c.events.filter(e => e.action === 'restriction.bypassed')
      return bypasses.length === 0
        ? []
        : [
            finding(
              'warning',
              `${bypasses.length} change(s) to restricted rows were made with a bypass`,
              bypasses
                .slice(-5)
                .map(b => `${b.details.table} ${b.details.operation}: ${b.details.reason}`)
                .join('; '),
              'Check each bypass was justified (heroku privacy:ledger).',
            ),
          ]
    },
  },
  {
    id: 'unindexed-references',
    title: 'Foreign keys into tables an erasure deletes from have an index',
    run(c) {
      if (!c.map || !c.schema) return {skipped: 'no data map, or the database was not read'}
      const erased = new Set(
        Object.entries(c.map.tables)
          .filter(([, spec]) => actionOf(spec) === 'delete')
          .map(([key]) => key),
      )
      const unindexed = unindexedReferences(c.schema, new Map([...erased].map(key => [key, 1])))
      if (unindexed.length === 0) return []
      return [
        finding(
          'warning',
          `${unindexed.length} foreign key(s) into tables an erasure deletes from have no index, so each deleted row makes Postgres read the whole referencing table`,
          unindexed
            .slice(0, 8)
            .map(u => `${u.table} (${u.columns.join(', ')}) → ${u.references}`)
            .join(', ') + (unindexed.length > 8 ? ', …' : ''),
          `Create the indexes before erasing many people: ${unindexed
            .slice(0, 3)
            .map(u => `${u.createIndex};`)
            .join(' ')}${unindexed.length > 3 ? ' …' : ''}`,
        ),
      ]
    },
  },
  {
    id: 'kept-references',
    title: 'Rows the map keeps do not need rows it deletes',
    run(c) {
      if (!c.map || !c.schema) return {skipped: 'no data map, or the database was not read'}
      const tables = c.map.tables
      const deletes = (key: string) => tables[key] !== undefined && actionOf(tables[key]) === 'delete'
      const conflicts = Object.entries(tables)
        .filter(([, spec]) => spec.erase === 'anonymize')
        .flatMap(([key]) => {
          const table = c.schema!.tables.get(key)
          // A composite reference cannot be cleared one column at a time, and a NOT NULL one not at all.
          const binding = (columns: string[]) => columns.length > 1 || !table!.columns.find(col => col.name === columns[0])?.isNullable
          return (table?.foreignKeys ?? []).filter(fk => fk.references !== key && deletes(fk.references) && binding(fk.columns)).map(fk => ({key, fk}))
        })
      if (conflicts.length === 0) return []
      return [
        finding(
          'error',
          `${conflicts.length} reference(s) from rows the map keeps (anonymize) into rows it deletes cannot be cleared, so the erasure of anyone with such rows is refused`,
          conflicts.map(({key, fk}) => `${key} (${fk.columns.join(', ')}) → ${fk.references}`).join(', '),
          `In privacy.yml, set the referenced table's erase to anonymize, or the referencing table's to delete: ${conflicts
            .slice(0, 3)
            .map(({key, fk}) => `tables.${fk.references}.erase: anonymize, or tables.${key}.erase: delete`)
            .join('; ')}${conflicts.length > 3 ? '; …' : ''}.`,
        ),
      ]
    },
  },
  {
    id: 'tls-to-postgres',
    title: 'Connections to the database use TLS',
    run(c) {
      if (c.database?.tls === undefined) return {skipped: 'the database is on this machine, or was not read'}
      return c.database.tls
        ? []
        : [
            finding(
              'error',
              `The connection to ${c.database.resolved.label} is not encrypted`,
              'pg_stat_ssl reports no TLS for this session',
              'Connect with sslmode=require (Heroku Postgres requires TLS; check PGSSLMODE).',
            ),
          ]
    },
  },
  ...PROCESSING_RULES,
]

export function runRules(context: CheckContext, only: string[] = [], skip: string[] = []): RuleOutcome[] {
  return RULES.filter(r => (only.length === 0 || only.includes(r.id)) && !skip.includes(r.id)).map(rule => {
    const result = rule.run(context)
    if ('skipped' in result) return {rule: rule.id, title: rule.title, app: context.app.name, status: 'skipped', reason: result.skipped, findings: []}
    const {found, notes} = Array.isArray(result) ? {found: result, notes: []} : result
    const findings = found.map(f => ({...f, rule: rule.id, app: context.app.name}))
    return {
      rule: rule.id,
      title: rule.title,
      app: context.app.name,
      status: findings.length > 0 ? 'failed' : 'passed',
      findings,
      ...(notes.length > 0 ? {notes} : {}),
    }
  })
}
