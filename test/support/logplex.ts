import {request} from 'node:http'

/** One octet-counted frame as Logplex sends it: `<length> <pri>1 <time> host <app> <proc> - <message>`. */
export function logplexFrame(message: string, options: {app?: string; proc?: string; at?: Date; priority?: number} = {}): string {
  const syslog = `<${options.priority ?? 190}>1 ${(options.at ?? new Date()).toISOString()} host ${options.app ?? 'app'} ${options.proc ?? 'web.1'} - ${message}`
  return `${Buffer.byteLength(syslog)} ${syslog}`
}

export function logplexBody(messages: string[], options: Parameters<typeof logplexFrame>[1] = {}): Buffer {
  return Buffer.from(messages.map(m => logplexFrame(m, options)).join(''))
}

export interface DrainCredentials {
  user: string
  password: string
  token: string
}

/** POSTs one batch the way Logplex does; resolves with the status, or rejects when the connection fails. */
export function postBatch(
  url: string,
  body: Buffer,
  options: {credentials?: DrainCredentials; frameId?: string; count?: number; contentType?: string; agent?: import('node:http').Agent} = {},
): Promise<number> {
  const headers: Record<string, string | number> = {
    'Content-Type': options.contentType ?? 'application/logplex-1',
    'Content-Length': body.length,
  }
  if (options.count !== undefined) headers['Logplex-Msg-Count'] = options.count
  if (options.frameId) headers['Logplex-Frame-Id'] = options.frameId
  if (options.credentials) {
    headers.Authorization = `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`
    headers['Logplex-Drain-Token'] = options.credentials.token
  }
  return new Promise((resolve, reject) => {
    const req = request(url, {method: 'POST', headers, agent: options.agent}, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body)
  })
}
