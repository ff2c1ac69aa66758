import {flags} from '@heroku-cli/command'
import {Flags} from '@oclif/core'

/**
 * The heroku CLI's --app without the default it works out for help: that runs
 * git, and makes oclif load the whole command to print help the manifest
 * already holds. The default itself (HEROKU_APP, else the app of the git
 * remote) still applies when a command runs without --app.
 */
export const appFlag = ((options?: object) => ({...flags.app(options as never), defaultHelp: undefined})) as typeof flags.app

const herokuApp = appFlag({description: 'app whose database to use'})

/**
 * --app as commands that read a database take it: heroku's default runs git
 * several times as each command starts; a command given --database-url has no
 * app, so there it asks nothing of git.
 */
const app: typeof herokuApp = {
  ...herokuApp,
  default: async context => (context.flags['database-url'] || typeof herokuApp.default !== 'function' ? undefined : herokuApp.default(context)),
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
