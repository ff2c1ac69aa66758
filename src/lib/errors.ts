/** Exit codes shared by every command; runbooks and CI depend on them. */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  violations: 3,
  refused: 4,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * The one error type lib code throws for conditions a user can act on.
 * `exitCode` is what oclif's --json path reads; `oclif.exit` is what its
 * plain error handler reads, so both are set.
 */
export class PrivacyError extends Error {
  readonly exitCode: ExitCodeValue
  readonly oclif: {exit: ExitCodeValue}
  readonly code: string
  /** Structured detail for --json (each problem of an invalid file, say); the message already summarises it. */
  readonly details?: unknown
  /**
   * The command's whole result, when it was computed before the command
   * decided to fail (a check with violations, say): --json still prints it,
   * with the error alongside.
   */
  readonly result?: object

  constructor(message: string, options: {code?: string; exitCode?: ExitCodeValue; cause?: unknown; details?: unknown; result?: object} = {}) {
    super(message, {cause: options.cause})
    this.name = 'PrivacyError'
    this.code = options.code ?? 'error'
    this.details = options.details
    this.result = options.result
    this.exitCode = options.exitCode ?? ExitCode.error
    this.oclif = {exit: this.exitCode}
  }
}

export function isPrivacyError(error: unknown): error is PrivacyError {
  return error instanceof PrivacyError
}
