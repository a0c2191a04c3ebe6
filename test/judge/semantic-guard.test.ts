// The semantic cache's guard: outputs that look alike but say different things never agree.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { guard, outputFacts } from '../../src/judge/semantic-guard.js'

const base = 'Hi Maria, your refund of $40 for order A-1234 was approved on March 5 and will reach your Visa card within 5 business days.'

describe('outputs that say the same thing agree', () => {
  test.each([
    ['extra whitespace', 'Hi  Maria, your refund of $40 for order A-1234 was approved on March 5  and will reach your Visa card within 5 business\u00A0days.'],
  ])('%s', (_name, other, first = base) => {
    expect(guard(first, other)).toEqual({ agree: true })
  })

  test('every spelling of a negated modal reads as one negation, yet the words as written must match', () => {
    const ways = ["You can't return it.", 'You cannot return it.', 'You can not return it.', 'You can’t return it.']
    for (const w of ways) expect(outputFacts(w).polarity).toEqual(['can', 'not'])
    // A curly apostrophe is compared as written too: in code it is no delimiter.
    for (const w of ways.slice(1)) expect(guard(ways[0]!, w)).toMatchObject({ agree: false, differs: 'words' })
    expect(outputFacts("It won't ship and they don't know.").polarity).toEqual(['will', 'not', 'not'])
  })
})

describe('every trap is caught', () => {
  test.each([
    ['a changed amount', base.replace('$40', '$45'), 'numbers'],
    ['a changed count of days', base.replace('within 5', 'within 7'), 'numbers'],
    ['a changed date', base.replace('March 5', 'March 15'), 'numbers'],
    ['a negation', base.replace('was approved', 'was not approved'), 'polarity'],
    ['approved for denied', base.replace('approved', 'denied'), 'polarity'],
    ['will for may', base.replace('will reach', 'may reach'), 'polarity'],
    ['will for won’t', base.replace('will reach', 'won’t reach'), 'polarity'],
    ['a full refund for a partial one', 'You will get a full refund of $40.\u0020', 'polarity', 'You will get a partial refund of $40.'],
    ['eligible for ineligible', 'Your order is eligible for a refund.', 'polarity', 'Your order is ineligible for a refund.'],
    ['accepted for rejected', 'Your claim was accepted.', 'polarity', 'Your claim was rejected.'],
    ['days for weeks', base.replace('business days', 'weeks'), 'polarity'],
    ['unlocked for locked', 'Your account is now unlocked.', 'polarity', 'Your account is still locked.'],
    ['a swapped person', base.replace('Maria', 'Marco'), 'entities'],
    ['a swapped card brand', base.replace('Visa', 'Mastercard'), 'entities'],
    ['a swapped order code', base.replace('A-1234', 'A-1243'), 'names'],
    ['swapped roles', 'Alice Chen refunded Bob Stone $40.', 'entities', 'Bob Stone refunded Alice Chen $40.'],
    ['the same amount and count spelt another way', base.replace('$40', '40 dollars').replace('within 5', 'within five'), 'words'],
    // Each of these was once folded away, and each can change a verdict (a factorial, a
    // comment that swallows a line, the sign-off an email rubric asks for).
    ['an exclamation for a full stop', `${base.slice(0, -1)}!`, 'words'],
    ['a sign-off', `${base} Kind regards`, 'words'],
    ['a line break after a comma', base.replace('Maria, your', 'Maria,\nyour'), 'words'],
    ['a run of three spaces', base.replace('March 5 and', 'March 5   and'), 'words'],
  ])('%s', (_name, a, differs, b = base) => {
    const result = guard(a, b)
    expect(result.agree).toBe(false)
    if (!result.agree) expect(result.differs).toBe(differs)
  })

  test('a name the entity reader misses is still a name inside a sentence', () => {
    expect(outputFacts('your parcel ships with zorblax via Quindle tomorrow.')).toMatchObject({ names: ['quindle'] })
    expect(guard('your parcel ships via Zorblax.', 'your parcel ships via Quindle.')).toMatchObject({ agree: false })
    expect(outputFacts('Order Q7 ships. Then it arrives.').names).toEqual(['q7'])
  })
})

describe('Unicode cannot hide a difference or fake an agreement', () => {
  test('full-width and other-script digits are the numbers they show, and differ as written', () => {
    expect(outputFacts('Refund of $４０ approved.').numbers).toEqual(outputFacts('Refund of $40 approved.').numbers)
    expect(guard('Refund of $40 approved.', 'Refund of $４０ approved.')).toMatchObject({ agree: false, differs: 'words' })
    expect(guard('Refund of $40 approved.', 'Refund of $٤٥ approved.')).toMatchObject({ agree: false, differs: 'numbers' })
  })

  test('a zero-width character neither splits a number nor hides a negation', () => {
    expect(outputFacts('Refund of $4\u200B0 approved.').numbers).toEqual(outputFacts('Refund of $40 approved.').numbers)
    // Inside a word or a number the hint may split the token a model reads, so it counts.
    expect(guard('Refund of $40 approved.', 'Refund of $4\u200B0 approved.')).toMatchObject({ agree: false, differs: 'words' })
    expect(guard('Refund of $40 approved.', 'Refund of $4\u200B5 approved.')).toMatchObject({ agree: false, differs: 'numbers' })
    expect(guard('The refund is approved.', 'The refund is n\u200Bot approved.')).toMatchObject({ agree: false, differs: 'polarity' })
    expect(guard('The refund is approved.', 'The refund is appr\u00ADoved.')).toMatchObject({ agree: false, differs: 'words' })
    expect(guard('The refund is approved.', 'The refund\u200B is approved.')).toEqual({ agree: true })
  })

  test('full-width letters read as their plain words, and differ as written', () => {
    expect(guard('The refund is approved.', 'The refund is ｎｏｔ approved.')).toMatchObject({ agree: false, differs: 'polarity' })
    expect(outputFacts('The refund is ａｐｐｒｏｖｅｄ.').polarity).toEqual(['approve'])
    expect(guard('The refund is approved.', 'The refund is ａｐｐｒｏｖｅｄ.')).toMatchObject({ agree: false, differs: 'words' })
  })

  test('look-alike letters still spell their word, and never agree with plain letters', () => {
    // Cyrillic о in "nоt": read as "not", so the negation is seen.
    expect(outputFacts('The refund is n\u043Et approved.').polarity).toEqual(['not', 'approve'])
    // Cyrillic е in "dеnied": read as "denied", so approved/denied is seen.
    expect(guard('Refund approved.', 'Refund d\u0435nied.')).toMatchObject({ agree: false, differs: 'polarity' })
    // The same words, one with a look-alike: a judge may read a spoofed name, so no reuse.
    expect(guard('Your refund from Apple is approved.', 'Your refund from \u0410pple is approved.')).toMatchObject({ agree: false, differs: 'lookalikes', b: ['А U+0410'] })
    expect(guard('Your refund from \u0410pple is approved.', 'Your  refund from \u0410pple is approved.')).toEqual({ agree: true })
  })
})

test('no trap of the P6 dataset agrees with a reply of its ticket that deserves another verdict', () => {
  const rows = readFileSync(join(import.meta.dirname, '../../fixtures/datasets/support-replies.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ticket: string; id: string; output: string; score: number })
  const agreeing: string[] = []
  for (const a of rows) for (const b of rows) if (a.ticket === b.ticket && a.score !== b.score && guard(a.output, b.output).agree) agreeing.push(`${a.id} ~ ${b.id}`)
  expect(agreeing).toEqual([])
}, 120_000)
