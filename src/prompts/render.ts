// From the text a template renders to, with role markers in it, to the chat messages the
// openai SDK takes: the same split dotprompt makes into its messages, with its "model" role
// named "assistant" and each message's text trimmed. The markers carry a nonce drawn for
// each render, so marker text that came from the input (whole, or split across values that
// the template joins) can never match one: it stays literal text in its message.
import { randomBytes } from 'node:crypto'
import { AssayUsageError } from '../errors.js'
import type { PromptMessage } from './types.js'

/** The helpers that emit message markers, in place of dotprompt's, for one render. */
export interface MarkerHelpers {
  nonce: string
  helpers: Record<string, (...args: unknown[]) => string>
}

/** Draws a nonce and the role, history, section and media helpers that mark with it. */
export function markerHelpers(): MarkerHelpers {
  const nonce = randomBytes(16).toString('hex')
  const mark = (what: string) => `<<<assay-${nonce}:${what}>>>`
  return {
    nonce,
    helpers: {
      role: (role) => mark(`role:${String(role)}`),
      history: () => mark('history'),
      section: () => mark('section'),
      media: () => mark('media'),
    },
  }
}
const ROLES: Record<string, PromptMessage['role']> = { system: 'system', user: 'user', model: 'assistant', assistant: 'assistant' }

/** Splits rendered text into chat messages; `where` names the prompt in errors. */
export function toChatMessages(rendered: string, nonce: string, where: string, callSite: Function): PromptMessage[] {
  const markers = new RegExp(`<<<assay-${nonce}:(role:[^>]*|history|media|section)>>>`, 'g')
  const messages: { role: PromptMessage['role']; content: string }[] = []
  let current = { role: 'user' as PromptMessage['role'], content: '' }
  messages.push(current)
  let last = 0
  for (const match of rendered.matchAll(markers)) {
    current.content += rendered.slice(last, match.index)
    last = match.index + match[0].length
    const marker = match[1]!
    if (!marker.startsWith('role:')) {
      const helper = marker.split(':')[0]
      throw new AssayUsageError('render', `${where}: the template uses {{${helper}}}, which needs dotprompt's multi-part messages; assay renders plain text chat messages. Remove it from the template.`, callSite)
    }
    const name = marker.slice('role:'.length)
    const role = ROLES[name]
    if (role === undefined) throw new AssayUsageError('render', `${where}: the template uses the role "${name}"; use one of system, user, model (or assistant).`, callSite)
    // A role marker with only white space before it renames the message instead of ending it.
    if (current.content.trim() === '') current.role = role
    else {
      current = { role, content: '' }
      messages.push(current)
    }
  }
  current.content += rendered.slice(last)
  return messages.map((m) => ({ role: m.role, content: m.content.trim() })).filter((m) => m.content !== '')
}
