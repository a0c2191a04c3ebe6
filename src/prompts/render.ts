// From the text a template renders to, with dotprompt's role markers in it, to the chat
// messages the openai SDK takes: the same split dotprompt makes into its messages, with
// its "model" role named "assistant" and each message's text trimmed.
import { AssayUsageError } from '../errors.js'
import type { PromptMessage } from './types.js'

const MARKER = /<<<dotprompt:(role:[a-z]+|history|media:url[^>]*|section[^>]*)>>>/g
const ROLES: Record<string, PromptMessage['role']> = { system: 'system', user: 'user', model: 'assistant', assistant: 'assistant' }

/** Splits rendered text into chat messages; `where` names the prompt in errors. */
export function toChatMessages(rendered: string, where: string, callSite: Function): PromptMessage[] {
  const messages: { role: PromptMessage['role']; content: string }[] = []
  let current = { role: 'user' as PromptMessage['role'], content: '' }
  messages.push(current)
  let last = 0
  for (const match of rendered.matchAll(MARKER)) {
    current.content += rendered.slice(last, match.index)
    last = match.index + match[0].length
    const marker = match[1]!
    if (!marker.startsWith('role:')) {
      const helper = marker.split(/[:\s]/)[0]
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
