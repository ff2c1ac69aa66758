/**
 * A token bucket per sender: `perSecond` requests a second on average, bursts
 * up to twice that. Buckets of senders that went quiet are forgotten.
 */
export function tokenBuckets(perSecond: number, now: () => number = () => Date.now()): (key: string) => boolean {
  const capacity = perSecond * 2
  const buckets = new Map<string, {tokens: number; at: number}>()
  let lastSweep = now()
  return key => {
    const at = now()
    if (at - lastSweep > 60_000) {
      for (const [name, bucket] of buckets) if (at - bucket.at > 60_000) buckets.delete(name)
      lastSweep = at
    }
    const bucket = buckets.get(key) ?? {tokens: capacity, at}
    bucket.tokens = Math.min(capacity, bucket.tokens + ((at - bucket.at) / 1000) * perSecond)
    bucket.at = at
    buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}
