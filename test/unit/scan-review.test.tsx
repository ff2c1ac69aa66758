import {expect} from 'chai'
import {render} from 'ink-testing-library'

import {parseDataMap} from '../../src/lib/datamap/load.js'
import {ReviewDecision, ReviewItem, applyReview} from '../../src/lib/datamap/review.js'
import {renderDocument} from '../../src/lib/datamap/save.js'
import {ScanReview} from '../../src/lib/ui/scan-review.js'

const ITEMS: ReviewItem[] = [
  {
    kind: 'column',
    table: 'public.users',
    column: 'handle_ref',
    category: 'identity',
    confidence: 0.6,
    evidence: ['name "handle_ref": a user name or login'],
    shapes: ['a9', 'a_a'],
  },
  {kind: 'column', table: 'public.users', column: 'secret_note', category: 'free_text', confidence: 0.55, evidence: ['weak: text'], shapes: ['Aa a a']},
  {
    kind: 'reference',
    table: 'public.tickets',
    column: 'requester_email',
    to: 'public.users.email',
    matched: 12,
    sampled: 15,
    reason: 'e-mail addresses of the root',
  },
]

const MAP = `# a reviewed map
version: 1
subject:
  table: public.users
  key: id
  lookup: [email, id]
tables:
  public.users:
    erase: delete
    columns:
      id: { category: none }
      email: { category: contact, erase: hash } # 0.99: name "email"
      handle_ref: { category: identity, erase: redact } # 0.6: name "handle_ref": a user name or login
      secret_note: { category: free_text, erase: redact } # 0.55: weak
  public.tickets:
    # someone's note about tickets
    via:
      - { column: user_id, to: public.users.id }
      - { column: requester_email, to: public.users.email, proposed: true } # 12 of 15 sampled values match
    erase: delete
`

const tick = () => new Promise(resolve => setTimeout(resolve, 20))

/** Waits for the review to reach a state (a loaded machine renders late, never wrongly). */
async function until(reached: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !reached(); waited += 20) {
    if (waited > 10_000) throw new Error(`the review never showed ${what}`)
    await tick()
  }
}

describe('privacy:scan --review', () => {
  it('walks through each item with its evidence and value shapes, and returns the decisions', async () => {
    let decided: ReviewDecision[] | undefined
    const {stdin, lastFrame, frames, unmount} = render(<ScanReview items={ITEMS} onDone={d => (decided = d)} />)
    const shows = (text: string) => until(() => lastFrame()?.includes(text) === true, text)
    await shows('Review 1 of 3')
    await tick()
    expect(lastFrame()).to.include('public.users.handle_ref')
    expect(lastFrame()).to.include('a9   a_a')
    stdin.write('c')
    await shows('3 online_id')
    stdin.write('3')
    await shows('Review 2 of 3')
    stdin.write('r')
    await shows('requester_email → public.users.email')
    expect(lastFrame()).to.include('12 of 15 sampled values match')
    stdin.write('a')
    await until(() => decided !== undefined, 'the end')
    unmount()
    expect(decided?.map(d => d.action)).to.deep.equal([{category: 'online_id'}, 'reject', 'accept'])
    expect(frames.join('\n')).not.to.include('@example')
  })

  it('quits with the rest skipped', async () => {
    let decided: ReviewDecision[] | undefined
    const {stdin, lastFrame, unmount} = render(<ScanReview items={ITEMS} onDone={d => (decided = d)} />)
    await until(() => lastFrame()?.includes('Review 1 of 3') === true, 'the first item')
    await tick()
    stdin.write('a')
    await until(() => lastFrame()?.includes('Review 2 of 3') === true, 'the second item')
    stdin.write('q')
    await until(() => decided !== undefined, 'the end')
    unmount()
    expect(decided?.map(d => d.action)).to.deep.equal(['accept', 'skip', 'skip'])
  })

  it('saves decisions into the map, keeping comments and everything not decided', () => {
    const loaded = parseDataMap(MAP, 'privacy.yml')
    const outcome = applyReview(loaded.document, [
      {item: ITEMS[0]!, action: {category: 'online_id'}},
      {item: ITEMS[1]!, action: 'reject'},
      {item: ITEMS[2]!, action: 'accept'},
    ])
    expect(outcome).to.deep.equal({accepted: 1, changed: 1, rejected: 1, skipped: 0})
    const text = renderDocument(loaded.document)
    const map = parseDataMap(text, 'privacy.yml').map
    expect(map.tables['public.users']?.columns?.handle_ref).to.deep.equal({category: 'online_id', erase: 'redact'})
    expect(map.tables['public.users']?.columns?.secret_note).to.deep.equal({category: 'none'})
    expect(map.tables['public.tickets']?.via).to.deep.equal([
      {column: 'user_id', to: 'public.users.id'},
      {column: 'requester_email', to: 'public.users.email'},
    ])
    expect(text).to.include('# a reviewed map')
    expect(text).to.include("# someone's note about tickets")
    expect(text).to.include('# reviewed: online_id; 0.6: name "handle_ref"')
    expect(text).to.include('email: { category: contact, erase: hash } # 0.99: name "email"')
  })

  it('writes an accepted reference the scan only reported (another role of a table already reached)', () => {
    const loaded = parseDataMap(MAP, 'privacy.yml')
    const reported = {
      kind: 'reference' as const,
      table: 'public.tickets',
      column: 'cc_email',
      to: 'public.users.email',
      matched: 5,
      sampled: 9,
      reason: 'e-mail addresses of the root; another role of a table already reached, not written to the map',
    }
    expect(applyReview(loaded.document, [{item: reported, action: 'accept'}]).accepted).to.equal(1)
    const map = parseDataMap(renderDocument(loaded.document), 'privacy.yml').map
    expect(map.tables['public.tickets']?.via).to.deep.include({column: 'cc_email', to: 'public.users.email'})
  })

  it('removes a rejected reference and says so above the table', () => {
    const loaded = parseDataMap(MAP, 'privacy.yml')
    applyReview(loaded.document, [{item: ITEMS[2]!, action: 'reject'}])
    const map = parseDataMap(renderDocument(loaded.document), 'privacy.yml').map
    expect(map.tables['public.tickets']?.via).to.deep.equal({column: 'user_id', to: 'public.users.id'})
  })
})
