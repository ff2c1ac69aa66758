/** Exit codes shared by every command; runbooks and CI depend on them. */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  violations: 3,
  refused: 4,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]
