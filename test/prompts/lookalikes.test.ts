// Names that read like other names (invisible characters, other scripts' digits,
// compatibility forms), labels.json keys given twice, and registry files that are links.
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { main } from '../../src/cli/prompts.js'
import { prompts, PromptRegistryError } from '../../src/index.js'
import { checkName } from '../../src/prompts/order.js'
import { rejection, tempProject, V1, V2 } from './helpers.js'

function project() {
  const p = tempProject()
  p.write('s', 'v1', V1)
  p.write('s', 'v2', V2)
  const assay = async (...args: string[]) => {
    let stdout = ''
    let stderr = ''
    const status = await main(args, { cwd: p.root, env: { CI: '' }, stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } })
    return { status, stdout, stderr }
  }
  return { ...p, assay, labelsPath: join(p.dir, 's', 'labels.json'), historyPath: join(p.dir, 's', 'history.jsonl') }
}


describe('names that read like other names', () => {
  const invisible: [string, string][] = [
    ['a combining grapheme joiner', 'v2\u034f'],
    ['a variation selector', 'production\ufe0f'],
    ['a supplementary variation selector', 'staging\u{e0100}'],
    ['a Hangul filler', '\u3164'],
    ['a Hangul choseong filler', 'a\u115f'],
  ]
  test.each(invisible)('%s is refused in every kind of name, naming the code point', (_, name) => {
    for (const kind of ['prompt', 'version', 'label'] as const) {
      expect(() => checkName(kind, name, 'test')).toThrow(/holds the invisible character U\+[0-9A-F]{4,5}/)
    }
  })

  test('the refusal shows where the invisible character is', () => {
    expect(() => checkName('label', 'production\u034f', 'test')).toThrow('"production\\u{034F}" is not a valid label name')
  })

  test.each([
    ['full-width digits', 'v\uff12'],
    ['Arabic-Indic digits', 'v\u0663'],
    ['a combining mark on a digit', 'v2\u0301'],
    ['a combining mark on a dot', 'v2.\u0301'],
  ])('%s are refused', (_, name) => {
    expect(() => checkName('version', name, 'test')).toThrow('is not a valid version name')
  })

  test('letters of any script, with the marks their script needs, are still names', () => {
    for (const name of ['résumé', 'सारांश', 'v2.1', '2026-01-05', 'x\u0301']) expect(checkName('version', name, 'test')).toBe(name.normalize('NFC'))
  })

  test.each([
    ['Latin and Cyrillic', 'pr\u043eduction', '"\u043e" (U+043E) Cyrillic'],
    ['Latin and Greek', 'v\u03b12', '"\u03b1" (U+03B1) Greek'],
    ['Cyrillic and Greek', '\u0430\u03b2', '"\u03b2" (U+03B2) Greek'],
  ])('a name mixing %s letters is refused in every kind of name, naming the characters and their scripts', (_, name, named) => {
    for (const kind of ['prompt', 'version', 'label'] as const) {
      const call = () => checkName(kind, name, 'test')
      expect(call).toThrow(`is not a valid ${kind} name: its letters come from more than one script`)
      expect(call).toThrow(named)
    }
  })

  test('a version name that reads like "v" and a digit in another script is refused', () => {
    for (const name of ['\u03bd2', '\u04752', '\u1d202']) expect(() => checkName('version', name, 'test')).toThrow('reads like a version name "v2"')
  })

  test('one script, and the combinations of scripts that are written together, are still names', () => {
    for (const name of ['Ελληνικά', 'резюме-2', 'サマリー要約', 'summary-日本語', '요약-漢字', 'café-2']) expect(checkName('label', name, 'test')).toBe(name)
  })

  test('a label mixing scripts is refused by the CLI, and a version file so named is a problem row', async () => {
    const p = project()
    const run = await p.assay('label', 's', 'v2', 'pr\u043eduction')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('more than one script')
    writeFileSync(join(p.dir, 's', '\u03bd2.prompt'), V2)
    expect((await p.assay('list')).status).toBe(1)
    expect((await rejection(prompts.get('s'))).message).toContain('is not a Latin "v", yet the name reads like a version name "v2"')
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
  })

  test('a name of one letter and digits must use an ASCII letter: Latin and other look-alikes of v are refused', () => {
    for (const name of ['\u028b3', '\u1e7d3', '\u2c713', '\uab693', 'v\u03343', '\u04322', '\u00e92'])
      expect(() => checkName('version', name, 'test'), name).toThrow('reads like a version name')
    for (const name of ['v3', 'V3', 'a3', 'v2.1', 'café-2', 'résumé', '2026-01-05']) expect(checkName('version', name, 'test')).toBe(name)
  })

  test('a version file named by a look-alike of v is a problem row, and the rename advice names an ASCII version', async () => {
    const p = project()
    writeFileSync(join(p.dir, 's', '\uab693.prompt'), V2)
    const list = await p.assay('list')
    expect(list.status).toBe(1)
    expect(list.stdout + list.stderr).toContain('e.g. to v3.prompt')
    expect(list.stdout + list.stderr).not.toContain('\uab694')
    expect((await rejection(prompts.get('s'))).message).toContain('reads like a version name "v3"')
  })

  test('a version file with an invisible character is a problem row, refused (never served) as latest', async () => {
    const p = project()
    expect((await p.assay('list')).status).toBe(0)
    writeFileSync(join(p.dir, 's', 'v2\u034f.prompt'), '---\nmodel: m\n---\n{{role "system"}}\nEVIL\n')
    const list = await p.assay('list')
    expect(list.status).toBe(1)
    expect(list.stderr).toContain('holds the invisible character U+034F')
    expect(readFileSync(p.historyPath, 'utf8')).not.toContain('\u034f')
    expect((await rejection(prompts.get('s'))).message).toContain('holds the invisible character U+034F')
    expect((await prompts.get('s', 'v2')).template).not.toContain('EVIL')
  })

  test('a label with an invisible character, a full-width digit or a compatibility twin is refused by the CLI', async () => {
    const p = project()
    expect((await p.assay('label', 's', 'v1', 'production')).status).toBe(0)
    for (const label of ['production\u034f', '\u3164', 'v\uff12']) expect((await p.assay('label', 's', 'v2', label)).status).toBe(2)
    expect((await p.assay('label', 's', 'v2', 'ｖ2')).stderr).toContain('looks like a version name')
    const twin = await p.assay('label', 's', 'v2', 'ｐroduction')
    expect(twin.status).toBe(2)
    expect(twin.stderr).toContain('"ｐroduction" differs from "production" only in case or Unicode form')
    const other = await p.assay('label', 's', 'v2', 'Staging')
    expect(other.status).toBe(0)
    expect((await p.assay('label', 's', 'v1', 'staging')).stderr).toContain('differs from the label "Staging" of prompt "s" only in case or Unicode form')
  })

  test('a label that reads as production or latest in another case is refused, before any label is set: the app would serve latest', async () => {
    const p = project()
    for (const [label, meant] of [['Production', 'production'], ['PRODUCTION', 'production'], ['Latest', 'latest']] as const) {
      const run = await p.assay('label', 's', 'v1', label)
      expect(run.status).toBe(2)
      expect(run.stderr).toContain(`"${label}" differs from "${meant}" only in case or Unicode form, and labels are matched exactly`)
      expect(run.stderr).toContain(`Use "${meant}".`)
    }
    const labels = join(p.dir, 's', 'labels.json')
    expect(existsSync(labels) ? JSON.parse(readFileSync(labels, 'utf8')).labels : {}).toEqual({})
  })

  test('two version files that differ only in compatibility forms are twins: the newcomer refuses', async () => {
    const p = project()
    expect((await p.assay('list')).status).toBe(0)
    writeFileSync(join(p.dir, 's', 'ｖ2.prompt'), V2)
    expect((await prompts.get('s', 'v2')).version).toBe('v2')
    const e = await rejection(prompts.get('s', 'ｖ2'))
    expect(e.message).toContain('differ only in Unicode compatibility forms')
  })

  test('labels.json holding NFC and NFD twins of a label is refused', async () => {
    const p = project()
    expect((await p.assay('list')).status).toBe(0)
    const data = JSON.parse(readFileSync(p.labelsPath, 'utf8'))
    data.labels = { 'caf\u00e9': 'v1', 'cafe\u0301': 'v2' }
    writeFileSync(p.labelsPath, JSON.stringify(data))
    const e = await rejection(prompts.get('s', 'v1'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toContain('holds the key "café" twice in "labels"')
  })
})

describe('labels.json with a key given twice', () => {
  test('is refused, naming the key, instead of keeping the last one', async () => {
    const p = project()
    expect((await p.assay('label', 's', 'v1', 'production')).status).toBe(0)
    const text = readFileSync(p.labelsPath, 'utf8').replace(/"production": (\{[^}]*\})/, '"production": $1, "production": "v2"')
    writeFileSync(p.labelsPath, text)
    for (const call of [prompts.get('s'), prompts.get('s', 'v1')]) {
      const e = await rejection(call)
      expect(e).toBeInstanceOf(PromptRegistryError)
      expect(e.message).toBe(`${p.labelsPath} holds the key "production" twice in "labels" (counting Unicode NFC forms as one), so which one counts cannot be told. Keep the one that is right in ${p.labelsPath}, and delete the other.`)
    }
    const list = await p.assay('list')
    expect(list.status).toBe(1)
    expect(readFileSync(p.labelsPath, 'utf8')).toBe(text)
  })

  test('a hash given twice in "versions" is refused too', async () => {
    const p = project()
    expect((await p.assay('list')).status).toBe(0)
    const text = readFileSync(p.labelsPath, 'utf8')
    const hash = (JSON.parse(text) as { versions: Record<string, string> }).versions.v1!
    writeFileSync(p.labelsPath, text.replace(`"v1": "${hash}"`, `"v1": "${'0'.repeat(64)}", "v1": "${hash}"`))
    expect((await rejection(prompts.get('s', 'v2'))).message).toContain('holds the key "v1" twice in "versions"')
  })
})

describe('registry files that are not regular files', () => {
  test.each(['labels.json', 'history.jsonl'])('%s linking to another file is refused before it is read, quoting none of it', async (file) => {
    const p = project()
    expect((await p.assay('label', 's', 'v1', 'production')).status).toBe(0)
    const secret = join(p.root, 'secret.txt')
    writeFileSync(secret, 'SECRET_TOKEN=abc123\n')
    const path = join(p.dir, 's', file)
    rmSync(path)
    symlinkSync(secret, path)
    // The history is an audit log: a read never opens it, a move (which appends to it) does.
    const e = await rejection(file === 'labels.json' ? prompts.get('s', 'v1') : prompts.label('s', 'v2', 'staging'))
    expect(e).toBeInstanceOf(PromptRegistryError)
    expect(e.message).toBe(`${path} is a symbolic link, and the registry reads its files only when they are regular files in the prompt's folder. Replace it with the file from version control (git checkout -- "${path}").`)
    const list = await p.assay(...(file === 'labels.json' ? ['list'] : ['history', 's']))
    expect(list.status).toBe(1)
    expect(list.stderr).not.toContain('SECRET')
    expect(list.stdout).not.toContain('SECRET')
    expect(readFileSync(secret, 'utf8')).toBe('SECRET_TOKEN=abc123\n')
  })

  test('history.jsonl linking to /dev/zero is refused at once, not read', async () => {
    const p = project()
    expect((await p.assay('list')).status).toBe(0)
    rmSync(p.historyPath)
    symlinkSync('/dev/zero', p.historyPath)
    const e = await rejection(prompts.label('s', 'v2', 'staging'))
    expect(e.message).toContain('history.jsonl is a symbolic link')
  })

  test('a folder named labels.json is refused as not a regular file', async () => {
    const p = project()
    const { mkdirSync } = await import('node:fs')
    mkdirSync(p.labelsPath)
    expect((await rejection(prompts.get('s', 'v1'))).message).toContain('labels.json is a folder')
  })
})
