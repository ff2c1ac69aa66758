import {expect} from 'chai'

import {parseDataMap} from '../../src/lib/datamap/load.js'
import type {SchemaInfo, TableInfo} from '../../src/lib/db/introspect.js'
import {planSubjectGraph} from '../../src/lib/subject/graph.js'

function table(key: string): TableInfo {
  const [schema, name] = key.split('.') as [string, string]
  return {
    key,
    schema,
    name,
    kind: 'table',
    columns: [],
    primaryKey: ['id'],
    uniqueConstraints: [],
    uniqueIndexes: [],
    indexes: [['id']],
    foreignKeys: [],
    rowEstimate: 1000,
    partitions: [],
    inheritsFrom: null,
    inheritedBy: [],
    isReadable: true,
    canUpdate: true,
    canDelete: true,
    rowSecurity: {enabled: false, forced: false, bypassed: true},
  }
}

describe('the subject plan', () => {
  it('lists every table after the tables its edges read, also when an edge points at a table as far from the root', () => {
    // Comments belong to their author and to the owner of the document: both parents are one edge from the root,
    // and "document_comments" sorts before "documents".
    const {map} = parseDataMap(
      `
version: 1
subject: { table: public.users, key: id, lookup: [id] }
tables:
  public.users: {}
  public.documents:
    via: { column: owner_id, to: public.users.id }
  public.document_comments:
    via:
      - { column: author_id, to: public.users.id }
      - { column: document_id, to: public.documents.id }
`,
      'privacy.yml',
    )
    const schema: SchemaInfo = {tables: new Map(['public.users', 'public.documents', 'public.document_comments'].map(k => [k, table(k)]))}
    const order = planSubjectGraph(map, schema).tables.map(t => t.key)
    expect(order).to.deep.equal(['public.users', 'public.documents', 'public.document_comments'])
  })
})
