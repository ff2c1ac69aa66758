import {flags} from '@heroku-cli/command'
import {Flags} from '@oclif/core'

/** The flags every command that reads a database takes, named as `heroku pg:*` names them. */
export const databaseFlags = {
  app: flags.app({description: 'app whose database to use'}),
  remote: flags.remote(),
  database: Flags.string({
    description: 'database to use: DATABASE, HEROKU_POSTGRESQL_RED, otherapp::DATABASE or an add-on name (default DATABASE_URL)',
  }),
  'database-url': Flags.string({
    description: 'any Postgres to use instead of a Heroku app\'s (defaults to $DATABASE_URL when no --app is given)',
    helpValue: 'postgres://…',
  }),
}

/** The reviewed data map every command that reads or changes personal data follows. */
export const mapFlag = Flags.string({description: 'the data map (privacy.yml, written by privacy:scan)', default: 'privacy.yml', helpValue: 'FILE'})
