/**
 * Reads the literal arguments of a Ruby method call as migrations write them:
 * symbols, strings, numbers, true/false/nil, arrays, and trailing options in
 * either hash style (`null: false`, `:null => false`). Anything else (a lambda,
 * a constant, a method call) reads as an `{expression}` with its text.
 */
export type RubyValue = string | number | boolean | null | {symbol: string} | {expression: string} | RubyValue[]
export interface RubyArgs {
  positional: RubyValue[]
  options: Record<string, RubyValue>
}

export function parseRubyArgs(text: string): RubyArgs {
  const reader = new Reader(
    text
      .trim()
      .replace(/^\(/, '')
      .replace(/\)\s*$/, ''),
  )
  const result: RubyArgs = {positional: [], options: {}}
  while (!reader.done()) {
    const key = reader.optionKey()
    if (key === null) result.positional.push(reader.value())
    else result.options[key] = reader.value()
    reader.skip(',')
  }
  return result
}

/** The name in a symbol or string value, or undefined. */
export function nameOf(value: RubyValue | undefined): string | undefined {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object' && !Array.isArray(value) && 'symbol' in value) return value.symbol
  return undefined
}

class Reader {
  private at = 0
  constructor(private readonly text: string) {}

  done(): boolean {
    this.space()
    return this.at >= this.text.length
  }

  skip(ch: string): void {
    this.space()
    if (this.text[this.at] === ch) this.at++
  }

  /** `name:` or `:name =>` or `"name" =>` at the reading position, consumed; otherwise null. */
  optionKey(): string | null {
    this.space()
    const rest = this.text.slice(this.at)
    const modern = /^([A-Za-z_]\w*[?!]?):(?!:)\s*/.exec(rest)
    if (modern) {
      this.at += modern[0].length
      return modern[1]!
    }
    const classic = /^(?::([A-Za-z_]\w*)|"([^"]*)"|'([^']*)')\s*=>\s*/.exec(rest)
    if (classic) {
      this.at += classic[0].length
      return classic[1] ?? classic[2] ?? classic[3] ?? ''
    }
    return null
  }

  value(): RubyValue {
    this.space()
    const rest = this.text.slice(this.at)
    const ch = rest.charAt(0)
    if (ch === '"' || ch === "'") {
      const end = this.closing(ch)
      const value = this.text.slice(this.at + 1, end).replace(/\\(.)/g, '$1')
      this.at = end + 1
      return value
    }
    if (ch === '[') {
      this.at++
      const items: RubyValue[] = []
      while (!this.done() && this.text[this.at] !== ']') {
        items.push(this.value())
        this.skip(',')
      }
      this.at++
      return items
    }
    const words = /^%[wi]\[([^\]]*)\]/.exec(rest)
    if (words) {
      this.at += words[0].length
      return words[1]!.trim().split(/\s+/).filter(Boolean)
    }
    const symbol = /^:([A-Za-z_]\w*[?!]?)/.exec(rest)
    if (symbol) {
      this.at += symbol[0].length
      return {symbol: symbol[1]!}
    }
    const number = /^-?\d[\d_]*(\.\d+)?(?![\w.])/.exec(rest)
    if (number) {
      this.at += number[0].length
      return Number(number[0].replaceAll('_', ''))
    }
    const word = /^(true|false|nil)\b/.exec(rest)
    if (word) {
      this.at += word[0].length
      return word[1] === 'nil' ? null : word[1] === 'true'
    }
    return {expression: this.expression()}
  }

  /** Text up to the next comma at depth zero. */
  private expression(): string {
    const start = this.at
    let depth = 0
    while (this.at < this.text.length) {
      const ch = this.text.charAt(this.at)
      if (ch === '"' || ch === "'") this.at = this.closing(ch)
      else if ('([{'.includes(ch)) depth++
      else if (')]}'.includes(ch)) depth--
      else if (ch === ',' && depth === 0) break
      this.at++
    }
    return this.text.slice(start, this.at).trim()
  }

  private closing(quote: string): number {
    let i = this.at + 1
    while (i < this.text.length && this.text[i] !== quote) i += this.text[i] === '\\' ? 2 : 1
    return i
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text.charAt(this.at))) this.at++
  }
}
