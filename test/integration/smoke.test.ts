import {expect} from 'chai'
import {runCli, useSimulator} from '../support/context.js'

describe('smoke', () => {
  const ctx = useSimulator()
  it('info', async () => {
    const r = await runCli(['privacy:info', '-a', 'privacy-demo'], ctx.env)
    console.log(r)
    expect(r.code).to.equal(0)
  })
})
