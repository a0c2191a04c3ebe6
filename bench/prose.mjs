// Distinct news-like prose of any length, the same for the same seed: sentences built from
// lists of people, organisations, places, verbs and figures with a seeded generator, no
// sentence twice, so that nothing is saved by reading a repeated sentence once.

const FIRST = ['Maria', 'James', 'Aisha', 'Kenji', 'Laura', 'Pedro', 'Ingrid', 'Samuel', 'Fatima', 'Oliver', 'Chen', 'Elena', 'David', 'Amara', 'Lucas', 'Priya', 'Tomas', 'Grace', 'Omar', 'Hannah']
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Brennan', 'Alvarez', 'Kowalski', 'Haddad', 'Fischer', 'Nakamura', 'Osei', 'Romano', 'Whitfield', 'Castillo', 'Petrov', 'Mensah', 'Larsen', 'Dubois', 'Keller', 'Sato']
const TITLE = ['', '', '', 'Dr. ', 'Chief Executive ', 'Senator ', 'Mayor ', 'Professor ']
const ORG = ['Northwind Logistics', 'Harbor Bank', 'Blue Mesa Energy', 'Kestrel Foods', 'the Ministry of Health', 'Vantage Airlines', 'Orion Pharmaceuticals', 'Atlas Mining', 'the University of Leeds', 'Greenfield Capital', 'Silverline Telecom', 'the World Bank', 'Redwood Insurance', 'Pinnacle Motors', 'Crescent Media']
export const PLACE = ['Lisbon', 'Nairobi', 'Osaka', 'Denver', 'Krakow', 'Manchester', 'Lyon', 'Toronto', 'Santiago', 'Accra', 'Hamburg', 'Perth', 'Seville', 'Calgary', 'Mumbai']
const VERB = ['said', 'told reporters', 'announced', 'confirmed', 'warned', 'argued', 'estimated', 'reported', 'insisted', 'explained']
const WHAT = ['revenue rose', 'costs fell', 'orders grew', 'profit dropped', 'sales climbed', 'exports slipped', 'output increased', 'spending declined']
const WHEN = ['on Monday', 'on Tuesday', 'last week', 'in March', 'on June 4, 2024', 'this quarter', 'in 2023', 'on Friday']
const TAIL = ['after a long review', 'despite higher rates', 'as demand recovered', 'amid supply delays', 'ahead of the vote', 'following the merger talks']

/** A deterministic pseudo-random generator (mulberry32), so a failing seed can be replayed. */
export function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `length` characters of news-like prose in which no sentence repeats, the same for the
 * same `seed`.
 */
export function distinctProse(length, seed = 1) {
  const next = random(seed)
  const pick = (list) => list[Math.floor(next() * list.length)]
  const seen = new Set()
  const parts = []
  let size = 0
  while (size < length) {
    const person = `${pick(TITLE)}${pick(FIRST)} ${pick(LAST)}`
    const org = pick(ORG)
    const figure = `${(next() * 90 + 1).toFixed(1)}%`
    const money = `$${Math.floor(next() * 900 + 10)} million`
    const shapes = [
      () => `${person} of ${org} ${pick(VERB)} in ${pick(PLACE)} ${pick(WHEN)} that ${pick(WHAT)} ${figure} to ${money} ${pick(TAIL)}.`,
      () => `In ${pick(PLACE)}, ${org} ${pick(VERB)} ${pick(WHEN)} that ${pick(WHAT)} by ${figure}, according to ${person}.`,
      () => `${pick(WHAT).replace(/^./, (c) => c.toUpperCase())} ${figure} at ${org} ${pick(WHEN)}, ${person} ${pick(VERB)}, while ${pick(FIRST)} ${pick(LAST)} of ${pick(ORG)} in ${pick(PLACE)} expected ${money}.`,
    ]
    const sentence = pick(shapes)()
    if (seen.has(sentence)) continue
    seen.add(sentence)
    parts.push(sentence)
    size += sentence.length + 1
  }
  // A paragraph every eight sentences, as articles have.
  return parts.map((s, i) => s + (i % 8 === 7 ? '\n\n' : ' ')).join('').slice(0, length)
}

const TITLE_WORDS = ['Mr', 'Dr', 'Sir', 'President', 'Senator', 'Mayor', 'Chief', 'Professor', 'The', 'Of']

/**
 * `length` characters of capitalised titles and names in random order with single spaces
 * and no punctuation: one endless run of capitalised words, the same for the same `seed`.
 */
export function capitalisedRun(length, seed = 1) {
  const next = random(seed)
  const words = [...TITLE_WORDS, ...FIRST, ...LAST]
  const parts = []
  let size = 0
  while (size < length) {
    const word = words[Math.floor(next() * words.length)]
    parts.push(word)
    size += word.length + 1
  }
  return parts.join(' ').slice(0, length)
}
