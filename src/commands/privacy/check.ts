import {Flags} from '@oclif/core'

import {PrivacyCommand} from '../../cli/base-command.js'
import {mapFlag} from '../../cli/flags.js'
import {CheckReport, checkApps, failsAt} from '../../lib/check/check.js'
import {SEVERITIES, Severity} from '../../lib/check/findings.js'
import {renderJunit, renderSarif, renderText} from '../../lib/check/formats.js'
import {RULES} from '../../lib/check/rules.js'
import {usageError, violation} from '../../lib/errors.js'
import {get} from '../../lib/heroku/api.js'
import {describeHerokuFailure} from '../../lib/heroku/describe-failure.js'
import {plural} from '../../lib/ui/words.js'

export default class Check extends PrivacyCommand {
  static description = `check that an app's set-up is fit for personal data — a gate for CI

Rules: region against the map's region: policy; card, bank, government-id, health and biometric data in a Shield Private Space; encryption at rest; continuous protection and HA; a backup schedule and a recent backup; log drains over TLS; access (too many admins, team members without two-factor authentication (from the team's member list, the only place the API shows it), outside collaborators); the data map in sync with the schema; overdue or near-due requests; forks not reconciled since an erasure; bypasses of restricted rows; TLS to Postgres; foreign keys into tables an erasure deletes from have an index (unindexed-references); no row the map keeps holds a NOT NULL or composite reference into rows it deletes, which would make erasures refuse (kept-references); every table holding personal data has a purpose with a legal basis and the map names the controller (purposes); no guess of privacy:scan is left marked review: true (map-reviewed). Rules that need the map or the ledger are skipped, and say so, when those are missing.

Exits 3 when a finding is at or above --fail-on. --format junit and sarif write documents for CI dashboards and code scanning.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app',
    '<%= config.bin %> <%= command.id %> --team acme --format junit > privacy-check.xml',
    '<%= config.bin %> <%= command.id %> -a app-one -a app-two --fail-on warning --skip recovery',
  ]

  static flags = {
    app: Flags.string({char: 'a', description: 'app to check (repeat for several)', multiple: true, env: 'HEROKU_APP'}),
    team: Flags.string({char: 't', description: 'check every app of this team'}),
    map: mapFlag,
    only: Flags.string({description: 'run only these rules', multiple: true, options: RULES.map(r => r.id)}),
    skip: Flags.string({description: 'skip these rules', multiple: true, options: RULES.map(r => r.id)}),
    format: Flags.string({description: 'report format', options: ['text', 'json', 'junit', 'sarif'], default: 'text'}),
    'fail-on': Flags.string({description: 'lowest severity that fails the check (exit 3)', options: ['error', 'warning'], default: 'error'}),
    'max-admins': Flags.integer({description: 'more people than this with manage access is a finding', default: 3, min: 1}),
  }

  async run(): Promise<CheckReport> {
    const {flags} = await this.parse(Check)
    const api = this.herokuApi()
    const apps = [...(flags.app ?? [])]
    if (flags.team) {
      const teamApps = await get<Array<{name: string}>>(api, `/teams/${encodeURIComponent(flags.team)}/apps`).catch(error => {
        throw describeHerokuFailure(error, `listing the apps of team ${flags.team}`)
      })
      apps.push(...teamApps.map(a => a.name))
    }
    if (apps.length === 0) throw usageError('Name the apps to check with -a APP (repeatable) or --team TEAM.')
    const report = await checkApps({
      api,
      apps: [...new Set(apps)],
      mapFile: flags.map,
      connect: target => this.connect(target),
      only: flags.only,
      skip: flags.skip,
      maxAdmins: flags['max-admins'],
      now: new Date(),
    })
    const failOn = flags['fail-on'] as Severity
    if (flags.format === 'junit') this.log(renderJunit(report, failOn))
    else if (flags.format === 'sarif') this.log(renderSarif(report, RULES))
    else if (flags.format === 'json') this.log(JSON.stringify(report, null, 2))
    else this.log(renderText(report))
    const failing = failsAt(report, failOn)
    if (failing.length > 0) {
      const bySeverity = SEVERITIES.map(s => [failing.filter(f => f.severity === s).length, s] as const)
        .filter(([n]) => n > 0)
        .map(([n, s]) => plural(n, s, s === 'info' ? s : `${s}s`))
        .join(', ')
      throw violation('check_failed', `privacy:check found ${bySeverity} at or above --fail-on ${failOn}.`, {result: report})
    }
    return report
  }
}
