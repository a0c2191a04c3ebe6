// What the words around a number say about it: a bound or approximation before it ("more
// than 100", "about 90%"), and the noun or unit phrase it counts ("four wickets").

/**
 * How a claim bounds its value: `above` (more than), `atLeast` (at least, `100+`),
 * `below` (fewer than), `atMost` (up to) or `about` (about, nearly, roughly).
 */
export type Bound = 'above' | 'atLeast' | 'below' | 'atMost' | 'about'

const BOUND_BEFORE = new RegExp(
  String.raw`(?:^|[^a-z])(?:(more than|over|above|exceeding|greater than|higher than|upwards of|in excess of|north of|just over)` +
    String.raw`|(at least|no fewer than|no less than|a minimum of)|(less than|fewer than|under|below|lower than|just under|shy of)` +
    String.raw`|(up to|at most|no more than|a maximum of|as many as)|(about|around|roughly|approximately|approx\.|some|nearly|almost|close to|an estimated|estimated|circa|ca\.)|(~))\s*$`,
  'i',
)
const BOUND_AFTER = /\+|\s+or\s+(?:(more)|(fewer|less))\b/y
const KINDS: Bound[] = ['above', 'atLeast', 'below', 'atMost', 'about', 'about']

/** The bound or approximation stated around `[start, end)` of `text`, if any. */
export function boundAround(text: string, start: number, end: number): Bound | undefined {
  // Only "+" or a space can follow a bounded number, and every bound word is followed by a
  // space or is "~": other characters either side rule a bound out without reading words.
  const next = text.charCodeAt(end)
  if (next === 0x2b || next === 0x20) {
    BOUND_AFTER.lastIndex = end
    const after = BOUND_AFTER.exec(text)
    if (after) return after[2] ? 'atMost' : 'atLeast'
  }
  const prev = text.charCodeAt(start - 1)
  if (prev !== 0x20 && prev !== 0x7e && prev !== 0xa0) return undefined
  const before = BOUND_BEFORE.exec(text.slice(Math.max(0, start - 24), start))
  if (!before) return undefined
  for (let i = 1; i <= KINDS.length; i++) if (before[i]) return KINDS[i - 1]
  return undefined
}

/**
 * Whether `value` (a source number) lies where a claim of `claimed` with `bound` says it
 * is. A bound reaches no further than twice or half its number ("more than 100" is not
 * supported by 250), since a summary that means 250 says so.
 */
export function withinBound(bound: Bound, claimed: number, value: number, approximate: number): boolean {
  const c = Math.abs(claimed)
  const v = Math.abs(value)
  switch (bound) {
    case 'above':
      return v > c && v <= 2 * c
    case 'atLeast':
      return v >= c && v <= 2 * c
    case 'below':
      return v < c && v >= c / 2
    case 'atMost':
      return v <= c && v >= c / 2
    case 'about':
      return Math.abs(v - c) <= approximate * Math.max(v, c) + 1e-9
  }
}

const STOP = new Set(
  ('a an the of in on at to for by with from into and or but as than then that this these those it its his her their our your my ' +
    'he she they we you i who which while was were is are be been being has had have will would can could may might also only just ' +
    'more less most least about around some over under up down nearly almost roughly approximately per each all both there here ' +
    'after before since until when what whose not no so such other another than out off very').split(' '),
)
const WORD = /[A-Za-z]+/g

// Units of time, size and money, as stems: what a number measures rather than counts.
const MEASURES = new Set(
  ('second minute hour day week month year decade century time mile kilometre kilometer km metre meter foot feet inch yard ' +
    'pound dollar euro cent penny pence percent point degree kilogram kg gram ton tonne litre liter gallon mph acre hectare').split(' '),
)

/** Whether `word` (a stem from {@link contextAround}) names a unit of time, size or money. */
export function isMeasure(word: string): boolean {
  return MEASURES.has(word)
}

/** A crude singular: "wickets" → "wicket", "matches" → "match", "stories" → "story". */
export function stem(word: string): string {
  const w = word.toLowerCase()
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`
  if (w.length > 4 && /(?:ss|ch|sh|x)es$/.test(w)) return w.slice(0, -2)
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1)
  return w
}

function content(words: string[]): string[] {
  return words.filter((w) => w.length > 1 && !STOP.has(w.toLowerCase())).map(stem)
}

/** Every content word of `text`, as stems. */
export function contentWords(text: string): Set<string> {
  return new Set(content(text.match(WORD) ?? []))
}

/**
 * The words a number counts or is said of: up to two content words after it, within the
 * next four words and the same clause ("four-wicket win" → wicket, win), and up to two
 * before it ("founded in 2014" → founded, company).
 */
export function contextAround(text: string, start: number, end: number): { after: string[]; before: string[] } {
  const afterText = /^[^.;:!?\n]*/.exec(text.slice(end, end + 60))![0]
  const beforeText = /[^.;:!?\n]*$/.exec(text.slice(Math.max(0, start - 60), start))![0]
  const after = content((afterText.match(WORD) ?? []).slice(0, 4)).slice(0, 2)
  const beforeWords = (beforeText.match(WORD) ?? []).slice(-4)
  // "two victims, aged 3": an age is said of the noun before it, but does not count it.
  const aged = beforeWords.findLastIndex((w) => AGE.test(w))
  const before = aged >= 0 ? ['age', ...content(beforeWords.slice(aged + 1))].slice(-2) : content(beforeWords).slice(-2)
  return { after, before }
}

const AGE = /^(?:age|aged|ages)$/i
const HEAD = /^[ \t-]*([A-Za-z]+)/

/**
 * The noun a number counts or measures, written right after it ("3 employees" → employee,
 * "four-wicket" → wicket), or `''` when the next word is not a content word ("5 in the
 * first half").
 */
export function headNoun(text: string, end: number): string {
  const m = HEAD.exec(text.slice(end, end + 40))
  return m && m[1]!.length > 1 && !STOP.has(m[1]!.toLowerCase()) ? stem(m[1]!) : ''
}
