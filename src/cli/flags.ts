import {flags} from '@heroku-cli/command'
import {Flags} from '@oclif/core'

const herokuApp = flags.app({description: 'app whose database to use'})

/**
 * The heroku CLI's --app, whose default (HEROKU_APP, else the app of the git
 * remote) runs git several times as each command starts; a command given
 * --database-url has no app, so there it asks nothing of git.
 */
const app: typeof herokuApp = {
  ...herokuApp,
  default: async context => (context.flags['database-url'] || typeof herokuApp.default !== 'function' ? undefined : herokuApp.default(context)),
  defaultHelp: async context => (context.flags['database-url'] || typeof herokuApp.defaultHelp !== 'function' ? undefined : herokuApp.defaultHelp(context)),
}

/** The flags every command that reads a database takes, named as `heroku pg:*` names them. */
export const databaseFlags = {
  app,
  remote: flags.remote(),
  database: Flags.string({
    description: 'database to use: DATABASE, HEROKU_POSTGRESQL_RED, otherapp::DATABASE or an add-on name (default DATABASE_URL)',
  }),
  'database-url': Flags.string({
    description: "any Postgres to use instead of a Heroku app's (defaults to $DATABASE_URL when no --app is given)",
    helpValue: 'postgres://…',
  }),
}

/** The reviewed data map every command that reads or changes personal data follows. */
export const mapFlag = Flags.string({description: 'the data map (privacy.yml, written by privacy:scan)', default: 'privacy.yml', helpValue: 'FILE'})
