import {readFile} from 'node:fs/promises'

import {Flags} from '@oclif/core'

import {usageError} from '../lib/errors.js'
import {SubjectLookup, parseSubject} from '../lib/subject/parse.js'
import type {KindChoice} from '../lib/subject/resolve.js'

export const subjectFlags = {
  subject: Flags.string({
    description:
      'the person, as COLUMN=VALUE of a lookup column, the column as the map writes it ("COLUMN"=VALUE when its name holds =); repeat for several people',
    multiple: true,
    helpValue: 'email=…',
  }),
  'subjects-file': Flags.string({
    description: 'a file with one COLUMN=VALUE (or "COLUMN"=VALUE) per line, for a batch (# starts a comment)',
    helpValue: 'FILE',
  }),
}

/** For maps with several kinds of person (subjects: in privacy.yml). */
export const kindFlags = {
  kind: Flags.string({
    description: 'the kind of person the lookups name (a name under subjects: in privacy.yml); needed when the lookup finds people of several kinds',
    helpValue: 'KIND',
  }),
  'all-kinds': Flags.boolean({
    description: 'a person who is several kinds at once (an employee who is also a customer): answer for every kind the lookup finds them in, together',
    exclusive: ['kind'],
  }),
}

export function kindChoice(flags: {kind?: string; 'all-kinds'?: boolean}): KindChoice {
  return {...(flags.kind ? {kind: flags.kind} : {}), ...(flags['all-kinds'] ? {allKinds: true} : {})}
}

/** The people a command is about, from --subject flags and --subjects-file; values are never echoed back. */
export async function readSubjects(flags: {subject?: string[]; 'subjects-file'?: string}): Promise<SubjectLookup[]> {
  const lines = [...(flags.subject ?? [])]
  if (flags['subjects-file']) {
    let text: string
    try {
      text = await readFile(flags['subjects-file'], 'utf8')
    } catch {
      throw usageError(`Could not read --subjects-file ${flags['subjects-file']}.`)
    }
    lines.push(
      ...text
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => line !== '' && !line.startsWith('#')),
    )
  }
  if (lines.length === 0) {
    throw usageError('Name the person with --subject COLUMN=VALUE (e.g. --subject email=alice@example.com), or give --subjects-file.')
  }
  return lines.map(line => parseSubject(line))
}
