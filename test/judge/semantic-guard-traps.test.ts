// The semantic cache's guard against outputs built to pass for a near-duplicate: negations
// spelt without an apostrophe, roles swapped between sentence-initial names, one-letter and
// symbol answers, struck-out words, and any word the guard has no list for.
import { describe, expect, test } from 'vitest'
import { guard, outputFacts } from '../../src/judge/semantic-guard.js'

const approved = 'Your refund is approved. Thank you for contacting support about your order today.'
const withWord = (word: string) => approved.replace('approved', word)

// Each positive word and its negation as written without an apostrophe.
const UNAPOSTROPHISED = [
  ['is', 'isnt'], ['was', 'wasnt'], ['are', 'arent'], ['were', 'werent'], ['do', 'dont'], ['does', 'doesnt'], ['did', 'didnt'],
  ['has', 'hasnt'], ['have', 'havent'], ['had', 'hadnt'], ['would', 'wouldnt'], ['should', 'shouldnt'], ['could', 'couldnt'],
  ['must', 'mustnt'], ['need', 'neednt'], ['might', 'mightnt'], ['can', 'cant'], ['will', 'wont'], ['shall', 'shant'],
  ['is', 'aint'], ['ought', 'oughtnt'], ['dare', 'darent'], ['may', 'maynt'],
] as const

describe('a negation without an ASCII apostrophe is a negation', () => {
  test.each(UNAPOSTROPHISED)('%s / %s', (yes, no) => {
    const result = guard(`We ${yes} approve the refund.`, `We ${no} approve the refund.`)
    expect(result).toMatchObject({ agree: false, differs: 'polarity' })
    expect(outputFacts(`We ${no} approve the refund.`).polarity).toContain('not')
  })

  test.each([
    ['an acute accent', 'isn\u00B4t'],
    ['a backtick', 'isn`t'],
    ['a left quotation mark', 'isn\u2018t'],
    ['a modifier prime', 'isn\u02B9t'],
    ['a spaced n’t', 'is n\u2019t'],
    ['a spaced nt', 'is nt'],
  ])('%s', (_name, negated) => {
    expect(guard(approved, approved.replace('is approved', `${negated} approved`))).toMatchObject({ agree: false, differs: 'polarity' })
  })

  test('every spelling of one negation reads as the same negation, and is still a difference in the words', () => {
    const negated = approved.replace('is approved', "isn't approved")
    for (const spelling of ['isnt', 'isn\u00B4t', 'isn`t', 'is not', 'is n\u2019t']) {
      const other = approved.replace('is approved', `${spelling} approved`)
      expect(outputFacts(other).polarity).toEqual(outputFacts(negated).polarity)
      expect(guard(negated, other)).toMatchObject({ agree: false, differs: 'words' })
    }
  })
})

describe('a swap of roles between names counts, wherever the names stand', () => {
  test.each([
    ['at sentence starts', 'Alice refunded it. Bob charged it.', 'Bob refunded it. Alice charged it.'],
    ['in a bullet list on one line', '- Alice pays. - Bob receives.', '- Bob pays. - Alice receives.'],
    ['in a bullet list', '- Alice pays.\n- Bob receives.', '- Bob pays.\n- Alice receives.'],
    ['between common nouns', 'The customer refunded the merchant.', 'The merchant refunded the customer.'],
  ])('%s', (_name, a, b) => {
    expect(guard(a, b).agree).toBe(false)
  })

  test('entities are kept in the order written', () => {
    expect(outputFacts('Alice refunded it. Bob charged it.').entities).toEqual(['person:alice', 'person:bob'])
    expect(guard('Alice refunded it. Bob charged it.', 'Bob refunded it. Alice charged it.')).toMatchObject({ agree: false, differs: 'entities' })
  })
})

describe('one-letter and symbol answers carry polarity', () => {
  test.each([
    ['Y', 'N'], ['yes', 'no'], ['true', 'false'], ['\u2713', '\u2717'], ['\u2714', '\u2718'], ['\u2611', '\u2612'], ['\u{1F44D}', '\u{1F44E}'], ['\u2705', '\u274C'], ['\u2714\uFE0F', '\u2718\uFE0F'],
  ])('Refund approved: %s / %s', (yes, no) => {
    expect(guard(`Refund approved: ${yes}`, `Refund approved: ${no}`)).toMatchObject({ agree: false, differs: 'polarity' })
  })
})

describe('negative words and prefixes the lists lacked', () => {
  test.each([
    ['un- as a separate part', withWord('un-approved')],
    ['un- joined', withWord('unapproved')],
    ['non- joined', withWord('nonapproved')],
    ['nope', approved.replace('is approved.', 'approved? Nope.')],
    ['nah', approved.replace('is approved.', 'approved? Nah.')],
    ['negative', approved.replace('is approved.', 'approved? Negative.')],
    ['jk', approved.replace('approved.', 'approved. JK.')],
    ['just kidding', approved.replace('approved.', 'approved, just kidding.')],
  ])('%s', (_name, trap) => {
    expect(guard(approved.replace('is approved.', 'approved? Yes.'), trap).agree).toBe(false)
    expect(guard(approved, trap).agree).toBe(false)
  })
})

describe('struck-out text never reads as the plain word', () => {
  const strike = (word: string, mark: string) => [...word].map((c) => c + mark).join('')
  test.each([
    ['U+0336 long stroke', strike('approved', '\u0336')],
    ['U+0335 short stroke', strike('approved', '\u0335')],
    ['U+0337 short slash', strike('approved', '\u0337')],
    ['U+0338 long slash', strike('approved', '\u0338')],
    ['Markdown ~~', '~~approved~~'],
    ['<del>', '<del>approved</del>'],
    ['<s>', '<s>approved</s>'],
    ['<strike>', '<strike>approved</strike>'],
    ['a <del> never closed', '<del>approved'],
    ['strokes on the spaces around a word', '\u0336 \u0336approved \u0336'],
  ])('%s', (_name, struck) => {
    expect(guard(approved, withWord(struck))).toMatchObject({ agree: false, differs: 'struck' })
  })

  // Rescanning the rest of the text from each of 100,000 unclosed tags would take far
  // longer than the generous timeout; one pass takes about a second.
  test('tags left open are paired in one pass, not rescanned', () => {
    const text = `${'<s '.repeat(100_000)}approved ${'~'.repeat(100_000)}`
    expect(guard(text, `${text} `)).toEqual({ agree: true })
  }, 120_000)

  test('the same struck word in both agrees', () => {
    expect(guard(withWord('~~approved~~ denied'), withWord('~~approved~~  denied'))).toEqual({ agree: true })
  })
})

describe('a word the guard has no list for is a difference, unless it is known to be harmless', () => {
  test.each([
    ['an adjective', 'The parcel arrived intact.', 'The parcel arrived damaged.'],
    ['a destination', 'The refund goes to your card.', 'The refund goes to your wallet.'],
    ['a unit of measure', 'The parcel weighs 5 kg.', 'The parcel weighs 5 lb.'],
    ['another language', 'Votre remboursement est approuvé.', 'Votre remboursement n’est pas approuvé.'],
    ['a prohibition emoji', 'Refund approved.', 'Refund approved \u{1F6AB}'],
    ['a typo of the decision', 'Refund approved.', 'Refund aproved.'],
    ['a dropped word that is not filler', 'We sent a prepaid label.', 'We sent a label.'],
    ['another tense', 'We approve the refund.', 'We approved the refund.'],
    ['another form of the decision', 'Refund denied.', 'Refund denial.'],
    ['a question for a statement', 'Your refund is approved.', 'Your refund is approved?'],
    ['scare quotes', 'Your refund is approved.', 'Your refund is \u201Capproved\u201D.'],
    ['single scare quotes', 'Your refund is approved.', 'Your refund is \u2018approved\u2019.'],
    ['an interrobang', 'Your refund is approved.', 'Your refund is approved\u203D'],
    ['words hidden in Unicode tag characters', 'Your refund is approved.', `Your refund is approved.${[...' not'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')}`],
    ['a prohibition overlay', 'Your refund is approved.', 'Your refund is approved\u20E0.'],
  ])('%s', (_name, a, b) => {
    expect(guard(a, b)).toMatchObject({ agree: false })
  })

  test.each([
    ['thank you / thanks', 'Thank you for writing. Your refund is approved.', 'Thanks for writing. Your refund is approved.'],
    ['a phrase split by a line break', 'Thank you for writing.', 'Thank\n you for writing.'],
    ['happy / glad', 'We are happy to help.', 'We are glad to help.'],
    ['a filler word', 'Simply reply to this email.', 'Reply to this email.'],
    ['an intensifier', 'We are sorry about the delay.', 'We are so sorry about the delay.'],
    ['a sign-off', 'Your refund is approved.', 'Your refund is approved. Best wishes.'],
  ])('%s agrees', (_name, a, b) => {
    expect(guard(a, b)).toEqual({ agree: true })
  })
})
