import {PrivacyCommand} from '../../cli/base-command.js'
import {databaseFlags} from '../../cli/flags.js'
import {DatabaseReport, describeDatabase} from '../../lib/info.js'
import {describeRegion} from '../../lib/heroku/region.js'
import {formatBytes, formatKeyValues} from '../../lib/ui/key-values.js'

export default class Info extends PrivacyCommand {
  static description = `show which database the privacy commands will use, and where it lives

Resolves --app/--database the way \`heroku pg:*\` does (or takes --database-url), then reports the plan, region, Shield/Private Space, encryption at rest, high availability, followers and forks from the Heroku Data API, and the Postgres version, size and table count from the database itself. Run it first: it proves the tool can reach the database.`

  static examples = [
    '<%= config.bin %> <%= command.id %> -a example-app',
    '<%= config.bin %> <%= command.id %> -a example-app --database HEROKU_POSTGRESQL_RED',
    '<%= config.bin %> <%= command.id %> --database-url postgres://localhost/mydb --json',
  ]

  static flags = {...databaseFlags}

  async run(): Promise<DatabaseReport> {
    const {flags} = await this.parse(Info)
    const resolved = await this.resolveTarget(flags)
    const report = await describeDatabase({...resolved, connect: target => this.connect(target), progress: this.progress})
    this.log(renderReport(report))
    return report
  }
}

function renderReport(report: DatabaseReport): string {
  const {heroku, postgres} = report
  const space = heroku?.space ? `${heroku.space.name}${heroku.space.shield ? ' (Shield)' : ''}` : heroku ? 'none (Common Runtime)' : undefined
  return `=== ${report.database}\n\n${formatKeyValues([
    ['App', heroku?.app],
    ['Add-on', heroku?.addon],
    ['Plan', heroku?.plan],
    ['Status', heroku?.status],
    ['Region', heroku ? describeRegion(heroku.region) : undefined],
    ['Private Space', space],
    ['Encryption at Rest', heroku?.encryptionAtRest],
    ['HA Status', heroku?.highAvailability],
    ['Continuous Protection', heroku?.continuousProtection],
    ['Rollback', heroku?.rollback],
    ['Following', heroku?.following],
    ['Followers', heroku?.followers],
    ['Forked From', heroku?.forkedFrom],
    ['Forks', heroku?.forks],
    ['PG Version', postgres.postgresVersion],
    ['Database', postgres.databaseName],
    ['Data Size', formatBytes(postgres.sizeBytes)],
    ['Schemas', postgres.schemaCount],
    ['Tables', postgres.tableCount],
    ['Read Only', postgres.isReadOnly],
    ['TLS', postgres.sslInUse],
  ])}`
}
