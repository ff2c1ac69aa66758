/**
 * Whether a URL's host is this machine: `localhost` (and names under it),
 * 127.0.0.0/8, or ::1 (also written as an IPv4-mapped address). Logplex can
 * never deliver to such an address, so a drain there is a local set-up.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (/^127(\.\d{1,3}){3}$/.test(host)) return true
  if (host === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(host)) return true
  return /^::ffff:(127(\.\d{1,3}){3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(host)
}
