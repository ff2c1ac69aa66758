/**
 * What bin/run.js starts: oclif's runner, bundled with the commands (see
 * scripts/bundle-commands.mjs) so that one copy of oclif, read from one file,
 * runs them.
 */
export {execute} from '@oclif/core'
