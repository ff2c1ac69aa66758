// Stands in for @heroku-cli/command's credential-store error reporting inside the bundled commands: the
// reporter (Sentry and OpenTelemetry, hundreds of modules) loads only if a credential store ever fails.
export async function reportCredentialStoreError(error, context) {
  const {reportCredentialStoreError: report} = await import('@heroku-cli/command/lib/credential-manager-core/lib/cli-command-telemetry.js')
  return report(error, context)
}
