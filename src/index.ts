/**
 * The programmatic API, for runbooks written in TypeScript: the same lib
 * functions the commands call, with their collaborators passed in.
 */
export {ExitCode, PrivacyError, isPrivacyError} from './lib/errors.js'
export type {ExitCodeValue} from './lib/errors.js'
export {HerokuApiError, HerokuUnreachableError} from './lib/heroku/api.js'
export type {HerokuApi, HerokuRequest, HerokuService} from './lib/heroku/api.js'
export {herokuClientApi} from './lib/heroku/client.js'
export type {HerokuClientOptions} from './lib/heroku/client.js'
export {withRetries} from './lib/heroku/retry.js'
export type {RetryOptions} from './lib/heroku/retry.js'
export {resolveDatabase} from './lib/heroku/resolve-database.js'
export type {HerokuDatabase, ResolveDatabaseOptions} from './lib/heroku/resolve-database.js'
export {fetchPostgresInfo} from './lib/heroku/postgres-info.js'
export type {PostgresAddonInfo} from './lib/heroku/postgres-info.js'
export {openDatabase} from './lib/db/connection.js'
export type {ConnectionOptions, Database, DatabaseTarget} from './lib/db/connection.js'
export {describeDatabase} from './lib/info.js'
export type {DatabaseReport, DescribeDatabaseInput, HerokuFacts} from './lib/info.js'
export type {ProgressEvent, ProgressSink} from './lib/progress.js'
