/** What a person may ask for; a request is of one kind. */
export const REQUEST_KINDS = ['access', 'erasure', 'restriction', 'rectification', 'objection', 'portability'] as const
export type RequestKind = (typeof REQUEST_KINDS)[number]
