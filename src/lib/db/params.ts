/** Bound parameters for one statement: `add` keeps a value and returns its placeholder (`$1`, `$2`, …). */
export class SqlParams {
  readonly values: unknown[] = []

  constructor(initial: unknown[] = []) {
    this.values.push(...initial)
  }

  readonly add = (value: unknown): string => {
    this.values.push(value)
    return `$${this.values.length}`
  }
}
