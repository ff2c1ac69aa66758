export interface SimRequest {
  method: string
  path: string
  query: URLSearchParams
  params: Record<string, string>
  body: unknown
  headers: Record<string, string | string[] | undefined>
}

export interface SimResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** Raw bytes instead of JSON (backup downloads). */
  file?: string
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

type Handler = (request: SimRequest) => Promise<SimResponse | unknown> | SimResponse | unknown

interface Route {
  method: string
  pattern: RegExp
  names: string[]
  handler: Handler
}

/** A tiny method + path router; `:name` segments become params. */
export class Router {
  private readonly routes: Route[] = []

  on(method: string, path: string, handler: Handler): this {
    const names: string[] = []
    const source = path
      .split('/')
      .map(segment => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(segment.slice(1))
        return '([^/]+)'
      })
      .join('/')
    this.routes.push({method, pattern: new RegExp(`^${source}$`), names, handler})
    return this
  }

  match(method: string, path: string): {handler: Handler; params: Record<string, string>} | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue
      const match = route.pattern.exec(path)
      if (!match) continue
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]))
      return {handler: route.handler, params}
    }
    return undefined
  }
}

export const isResponse = (value: unknown): value is SimResponse =>
  typeof value === 'object' && value !== null && 'status' in value && typeof (value as SimResponse).status === 'number'
