const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*)(:[^\s/@]*)?@/gi

/**
 * Removes credentials from text before it reaches a terminal or a log:
 * userinfo in any URL, and every secret the caller knows about
 * (API tokens, database passwords).
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text.replace(URL_CREDENTIALS, '$1***@')
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('***')
  }
  return out
}

/** A printable name for a database URL: host, port and database, never the user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''))
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}/${database}`
  } catch {
    return 'the database'
  }
}

/** The password inside a URL, so it can be redacted from anything printed. */
export function passwordOfUrl(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined
  } catch {
    return undefined
  }
}
