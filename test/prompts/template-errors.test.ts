// A template Handlebars cannot parse is named with its line and what was expected, but not
// with the snippet of text before the error that Handlebars quotes: that text may be the
// tail of a credential whose name the snippet cuts off, out of reach of name-based redaction.
import { describe, expect, test } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { rejection, tempProject, V1 } from './helpers.js'

describe('a template that is not valid Handlebars', () => {
  test.each([
    ['an unclosed block', 'Send Authorization: Bearer HbsParseSecret123456 {{#if a}', 'Parse error on line 1: Expecting'],
    ['an unrecognised token', 'x\nkey=LexSecretTail99 {{a}', 'Parse error on line 2: Expecting'],
  ])('%s is refused naming its line, without quoting the text before the error', async (_, template, where) => {
    const p = tempProject()
    p.write('s', 'v1', V1)
    p.write('s', 'v2', `---\nmodel: m\n---\n${template}\n`)
    const e = await rejection(prompts.get('s', 'v2'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain('the template is not valid Handlebars')
    expect(e.message).toContain(where)
    expect(e.message).toMatch(/Expecting|Unrecognized|Unexpected|got/)
    for (const tail of ['Secret123456', 'SecretTail99', '^']) expect(e.message).not.toContain(tail)
    let stderr = ''
    expect(await main(['list'], { cwd: p.root, env: { CI: '' }, stdout: { write: () => undefined }, stderr: { write: (t: string) => (stderr += t) } })).toBe(1)
    expect(stderr).toContain('the template is not valid Handlebars')
    expect(stderr).not.toMatch(/Secret123456|SecretTail99/)
  })
})
