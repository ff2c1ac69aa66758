declare module 'heroku-client' {
  interface RequestOptions {
    method?: string
    path: string
    body?: unknown
    headers?: Record<string, string>
    host?: string
  }

  export default class Heroku {
    constructor(options: {token?: string; host?: string; userAgent?: string})
    request<T>(options: RequestOptions): Promise<T>
    get<T>(path: string, options?: Omit<RequestOptions, 'path' | 'method'>): Promise<T>
  }
}
