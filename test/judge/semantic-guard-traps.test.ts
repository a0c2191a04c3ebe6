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
    expect(guard(text, `${text} `)).toMatchObject({ agree: false, differs: 'words' })
    expect(outputFacts(text).struck).toEqual(outputFacts(`${text} `).struck)
  }, 120_000)

  test('the same struck word in both agrees', () => {
    expect(guard(withWord(`${strike('approved', '\u0336')} denied`), withWord(`${strike('approved', '\u0336')}  denied`))).toEqual({ agree: true })
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
    ['a filler word', 'Simply reply to this email.', 'Reply to this email.'],
    ['an intensifier', 'It is not very risky.', 'It is not risky.'],
    ['a condition cut short', 'If so, we refund it.', 'If, we refund it.'],
    // Once read as harmless, now compared as written: a comment may swallow a line, and a
    // sign-off can be what an email rubric asks for.
    ['a phrase split by a line break', 'Thank you for writing.', 'Thank\n you for writing.'],
    ['a sign-off', 'Your refund is approved.', 'Your refund is approved. Best wishes.'],
  ])('%s', (_name, a, b) => {
    expect(guard(a, b)).toMatchObject({ agree: false })
  })

  test.each([
    ['thank you / thanks', 'Thank you for writing. Your refund is approved.', 'Thanks for writing. Your refund is approved.'],
    ['happy / glad', 'We are happy to help.', 'We are glad to help.'],
  ])('%s is a rewording, refused', (_name, a, b) => {
    expect(guard(a, b)).toMatchObject({ agree: false })
  })
})

// Each class below is a difference that some fold once read away. The word sequence is read
// as written, so each pair must be refused, and by the words when no analyser sees it.
const refused = (a: string, b: string) => expect(guard(a, b).agree).toBe(false)

describe('a negated math or logic sign keeps its stroke', () => {
  test.each([
    ['Refund status = approved.', 'Refund status \u2260 approved.'],
    ['x = 5', 'x \u2260 5'],
    ['Order 7781 \u2208 the refundable orders list.', 'Order 7781 \u2209 the refundable orders list.'],
    ['\u2203 a refund', '\u2204 a refund'],
    ['x < 5', 'x \u226E 5'],
    ['x \u2264 5', 'x \u2270 5'],
    ['A \u2282 B', 'A \u2284 B'],
    ['a \u2261 b', 'a \u2262 b'],
  ])('%s / %s', refused)

  test('a sign written with a combining stroke is the precomposed sign', () => {
    expect(outputFacts('x =\u0338 5').words).toEqual(outputFacts('x \u2260 5').words)
  })
})

describe('a minus sign in any dash, or accounting parentheses, is a sign', () => {
  test.each([
    ...[...'\u2010\u2011\u2012\u2013\u2014\u2015'].map((dash) => [`The balance is ${dash}$50.`, 'The balance is $50.']),
    ['\u201350 USD', '50 USD'],
    ['Temperature: \u20135 degrees.', 'Temperature: 5 degrees.'],
    ['Net income: ($50).', 'Net income: $50.'],
  ])('%s / %s', refused)
})

describe('a currency written after the amount must match', () => {
  test.each([
    ['Ihre Erstattung betr\u00E4gt 500 \u20AC.', 'Ihre Erstattung betr\u00E4gt 500 $.'],
    ['Refund: 500 \u20AC', 'Refund: 500 \u00A3'],
    ['500\u20AC', '500\u20BD'],
    ['500 \u20B9', '500 \u00A5'],
    ['Remboursement de 50,00 \u20AC', 'Remboursement de 50,00 $'],
    ['costs 5\u00A2', 'costs 5'],
  ])('%s / %s', refused)
})

describe('a decimal comma is part of its number', () => {
  test.each([
    ['Remboursement de 50,00 \u20AC', 'Remboursement de 50 00 \u20AC'],
    ['Der Betrag ist 12,5 kg.', 'Der Betrag ist 125 kg.'],
  ])('%s / %s', refused)

  test('a comma that ends a clause is kept: it can turn an answer round', () => {
    expect(guard('No charges apply.', 'No, charges apply.')).toMatchObject({ agree: false })
    expect(outputFacts('Remboursement de 50,00 \u20AC').words).toContain('50,00')
  })
})

describe('an accent is part of its word', () => {
  test.each([
    ['Die Erstattung wurde genehmigt.', 'Die Erstattung w\u00FCrde genehmigt.'],
    ['Sie hatten Anspruch.', 'Sie h\u00E4tten Anspruch.'],
    ['O reembolso \u00E9 aprovado.', 'O reembolso e aprovado.'],
    ['S\u00ED, el reembolso est\u00E1 aprobado.', 'Si, el reembolso est\u00E1 aprobado.'],
    ['Le montant est d\u00FB.', 'Le montant est du.'],
    ['\u0439\u043E\u0434', '\u0438\u043E\u0434'],
  ])('%s / %s', refused)

  test('an accent written as a combining mark is the composed letter (NFC)', () => {
    expect(guard('Die Erstattung w\u00FCrde genehmigt.', 'Die Erstattung wu\u0308rde genehmigt.')).toEqual({ agree: true })
  })
})

describe('numbers that are not quantities match as written', () => {
  test.each([
    ['Set the gateway to 192.168.1.1 today.', 'Set the gateway to 192.168.1.10 today.'],
    ['Requires Python 3.10 or later.', 'Requires Python 3.1 or later.'],
    ['Ship to ZIP 02134.', 'Ship to ZIP 2134.'],
    ['Your PIN is 0042.', 'Your PIN is 42.'],
    ['Order #00123 shipped.', 'Order #123 shipped.'],
    ['Call 0800 123 456.', 'Call 800 123 456.'],
    ['Refund of $40 approved.', 'Refund of 40 dollars approved.'],
  ])('%s / %s', refused)
})

describe('code and structured text: operators, brackets and indentation count', () => {
  test.each([
    ['return w * h', 'return w / h'],
    ['x = a % b', 'x = a * b'],
    ['if (!user.isAdmin) deny()', 'if (user.isAdmin) deny()'],
    ['{"status": "approved"}', '"status": "approved"'],
    ['def f(x):\n    if x:\n        return 1\n    return 0', 'def f(x):\n    if x:\n        return 1\n        return 0'],
    ['ok = a && b', 'ok = a || b'],
  ])('%s / %s', refused)

  test('in prose two spaces are one, and a paragraph break is kept; code keeps every space', () => {
    expect(guard('Refund approved. Thanks for waiting.', 'Refund  approved. Thanks  for waiting.')).toEqual({ agree: true })
    expect(guard('Refund approved.\n\nThanks for waiting.', 'Refund approved. Thanks for waiting.')).toMatchObject({ agree: false })
    expect(outputFacts('if x:\n    return 1').words).toEqual(['as written:', 'if', 'x:\n', '', '', '', 'return', '1'])
  })
})

describe('punctuation is dropped only where prose ends a word', () => {
  test.each([
    ['def f(x):\n    return x', 'def f(x)\n    return x'],
    ['The answer is 5!', 'The answer is 5'],
    ['Call f(x);', 'Call f(x)'],
  ])('%j / %j', refused)

  test.each([
    ['No charges apply.', 'No, charges apply.'],
    ['No refund approved.', 'No. Refund approved.'],
    ['Not yet shipped on Monday.', 'Not yet. Shipped on Monday.'],
    ['Never cancelled orders are refunded.', 'Never. Cancelled orders are refunded.'],
    ['Refund approved: yes', 'Refund approved yes'],
    ['Η επιστροφή εγκρίθηκε.', 'Η επιστροφή εγκρίθηκε\u037E'],
    ['if grep -q x f; then', 'if ! grep -q x f; then'],
    ['[ -f a ]', '[ ! -f a ]'],
    ['print(n!)', 'print(n.)'],
    ['x = 1', 'x = 1,'],
    ['x = 1  # note\nreturn x', 'x = 1  # note return x'],
    // `!` is no longer read as a full stop: `n!` is a factorial, `BlueSky!` a password.
    ['Thanks, the refund is approved!', 'Thanks, the refund is approved.'],
  ])('%j / %j: punctuation and line breaks inside a sentence are kept', refused)

  test.each([['Refund approved.\nThanks for waiting.', 'Refund approved. Thanks for waiting.']])('%j / %j: a line break between sentences is kept too', refused)
})

describe('case is kept: units, substances and codes differ by case alone', () => {
  test.each([
    ['The line runs at 100 Mbps.', 'The line runs at 100 MBps.'],
    ['The file is 25 MB.', 'The file is 25 Mb.'],
    ['The sample holds CO.', 'The sample holds Co.'],
    ['Use the code SaVe20x.', 'Use the code SAVE20X.'],
  ])('%j / %j', refused)
})

describe('per-mille, emoticons and invisible marks are part of their token', () => {
  test.each([
    ['The fee is 5 \u2030.', 'The fee is 5.'],
    ['Refund approved :(', 'Refund approved :)'],
    ['Refund approved.', 'Refund approved\uFE0F.'],
  ])('%s / %s', refused)

  // Inside a word a line-break hint may split what a model reads, and a curly quote is no
  // delimiter in code: both are compared as written.
  test.each([
    ['Refund approved.', 'Refund app\u200Broved.'],
    ['Refund approved.', 'Refund appr\u00ADoved.'],
    ['Refund approved.', '\uFEFFRefund approved\u2060.'],
    ["It's approved, as \"agreed\".", 'It\u2019s approved, as \u201Cagreed\u201D.'],
  ])('%s / %s', refused)

  // Beside a space or opening the text, a hint shows nothing between words.
  test.each([
    ['Refund approved.', '\uFEFFRefund approved.'],
    ['Refund approved. Thanks.', 'Refund approved.\u2060 Thanks.'],
  ])('%s / %s agree', (a, b) => expect(guard(a, b)).toEqual({ agree: true }))
})
