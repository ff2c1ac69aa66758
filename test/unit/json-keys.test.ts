import {expect} from 'chai'

import {formatKeyName, keyPatternJsonPath, parseKeyPattern} from '../../src/lib/datamap/json-keys.js'

describe('keys: patterns inside JSON documents', () => {
  it('reads a name alone as "at any depth", and dotted or bracketed text as a path from the top', () => {
    expect(parseKeyPattern('email')).to.deep.equal({kind: 'anywhere', name: 'email'})
    expect(parseKeyPattern('E-Mail Adresse')).to.deep.equal({kind: 'anywhere', name: 'E-Mail Adresse'})
    expect(parseKeyPattern('contact.email')).to.deep.equal({kind: 'path', steps: ['contact', 'email']})
    expect(parseKeyPattern('items[].phone')).to.deep.equal({kind: 'path', steps: ['items', null, 'phone']})
    expect(parseKeyPattern('[].email')).to.deep.equal({kind: 'path', steps: [null, 'email']})
    expect(parseKeyPattern('grid[][].owner')).to.deep.equal({kind: 'path', steps: ['grid', null, null, 'owner']})
  })

  it('takes quoted names literally, dots and brackets included', () => {
    expect(parseKeyPattern('"user.email"')).to.deep.equal({kind: 'anywhere', name: 'user.email'})
    expect(parseKeyPattern('"a.b".c')).to.deep.equal({kind: 'path', steps: ['a.b', 'c']})
    expect(parseKeyPattern('"say ""hi"""[].x')).to.deep.equal({kind: 'path', steps: ['say "hi"', null, 'x']})
  })

  it('refuses what it cannot read, saying why', () => {
    for (const text of ['', 'a..b', '.a', 'a.', 'items[]', '[]', 'a[]b', 'a"b', '"open', 'a[0].b']) {
      expect(parseKeyPattern(text), text).to.have.property('error').that.is.a('string')
    }
  })

  it('writes names back so they read as the same key', () => {
    for (const name of ['email', 'user.email', 'a[]', 'say "hi"', 'E-Mail']) {
      expect(parseKeyPattern(formatKeyName(name))).to.deep.equal({kind: 'anywhere', name})
    }
  })

  it('turns patterns into jsonpath', () => {
    expect(keyPatternJsonPath({kind: 'anywhere', name: 'email'})).to.equal('$.**."email"')
    expect(keyPatternJsonPath({kind: 'path', steps: ['items', null, 'say "hi"']})).to.equal('$."items"[*]."say \\"hi\\""')
  })
})
