import {ERROR_CODES, type ErrorCode} from './error-codes.js'
import {ExitCode, type ExitCodeValue} from './exit-codes.js'

export {ExitCode, type ExitCodeValue} from './exit-codes.js'
export {ERROR_CODES, type ErrorCode} from './error-codes.js'

interface ErrorOptions {
  cause?: unknown
  /** Structured detail for --json (each problem of an invalid file, say); the message already summarises it. */
  details?: unknown
  /** The command's whole result, when it was computed before the command decided to fail. */
  result?: object
}

/**
 * The one error type lib code throws for conditions a user can act on.
 * The exit status is the code's own (see error-codes.ts) unless given.
 * `exitCode` is what oclif's --json path reads; `oclif.exit` is what its
 * plain error handler reads, so both are set.
 */
export class PrivacyError extends Error {
  readonly exitCode: ExitCodeValue
  readonly oclif: {exit: ExitCodeValue}
  readonly code: ErrorCode
  readonly details?: unknown
  /**
   * The command's whole result, when it was computed before the command
   * decided to fail (a check with violations, say): --json still prints it,
   * with the error alongside.
   */
  readonly result?: object

  constructor(message: string, options: ErrorOptions & {code?: ErrorCode; exitCode?: ExitCodeValue} = {}) {
    super(message, {cause: options.cause})
    this.name = 'PrivacyError'
    this.code = options.code ?? 'error'
    this.details = options.details
    this.result = options.result
    this.exitCode = options.exitCode ?? ERROR_CODES[this.code].exit
    this.oclif = {exit: this.exitCode}
  }
}

/** Bad flags or arguments: exit 2. */
export function usageError(message: string, options: ErrorOptions = {}): PrivacyError {
  return new PrivacyError(message, {...options, code: 'usage', exitCode: ExitCode.usage})
}

/** The tool declines on purpose, to protect data or a rule: exit 4. */
export function refused(code: ErrorCode, message: string, options: ErrorOptions = {}): PrivacyError {
  return new PrivacyError(message, {...options, code, exitCode: ExitCode.refused})
}

/** A check found something wrong: exit 3. */
export function violation(code: ErrorCode, message: string, options: ErrorOptions = {}): PrivacyError {
  return new PrivacyError(message, {...options, code, exitCode: ExitCode.violations})
}

export function isPrivacyError(error: unknown): error is PrivacyError {
  return error instanceof PrivacyError
}
