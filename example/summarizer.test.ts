import { describe, expect, test } from 'vitest'
import { article, summarize } from './summarizer.js'

// The summariser's contract, asserted as behaviour rather than exact text.
// For each article: an editor's reference summary, which the model's may word differently
// but must mean the same as, and a figure that, changed, makes a summary unfaithful.
describe.each([
  {
    name: 'apple-q3',
    entities: ['Apple', 'Tim Cook'],
    reference:
      "Apple's revenue for its fiscal third quarter grew 5% to $85.8 billion, ahead of the $84.5 billion analysts had expected. " +
      'Services revenue reached a record $24.2 billion, and Tim Cook said paid subscriptions passed one billion. ' +
      'iPhone sales slipped to $39.3 billion and revenue from Greater China fell 6.5%.',
    doctored: { from: 'rose 5%', to: 'rose 15%' },
  },
  {
    name: 'ecb-rates',
    entities: ['European Central Bank', 'Christine Lagarde'],
    reference:
      'The European Central Bank lowered its deposit rate to 3.5% on September 12, 2024. ' +
      'Christine Lagarde said the bank will decide meeting by meeting. ' +
      'Inflation in the euro area eased to 2.2% in August, and growth is forecast at 0.8%.',
    doctored: { from: 'rate to 3.5%', to: 'rate to 3.25%' },
  },
])('summary of $name', ({ name, entities, reference, doctored }) => {
  const source = article(name)

  test('is a short list', async () => {
    expect(await summarize(name)).toHaveBullets({ min: 2, max: 5, maxWordsPerBullet: 25 })
  })

  test('is at least 80% shorter than the article', async () => {
    expect(await summarize(name)).toBeConcise({ of: source, maxRatio: 0.2, maxSentences: 5 })
  })

  test('keeps the key entities', async () => {
    expect(await summarize(name)).toPreserveEntities(entities)
  })

  test('keeps most of the amounts and dates', async () => {
    expect(await summarize(name)).toPreserveEntities({ from: source, kinds: ['amount', 'date'], minRatio: 0.2 })
  })

  test('invents no numbers', async () => {
    expect(await summarize(name)).toHaveNoInventedNumbers(source)
  })

  test('an eval LLM scores it at least 7/10 against the article', async () => {
    await expect(await summarize(name)).toScoreAtLeast(7, { source })
  })

  test('means the same as the reference summary', async () => {
    await expect(await summarize(name)).toBeSemanticallySimilarTo(reference)
  })

  test('is faithful to the article: the article supports every claim', async () => {
    await expect(await summarize(name)).toBeFaithfulTo(source)
  })

  test('a summary with one figure changed is caught: the judge lists the claim', async () => {
    const unfaithful = (await summarize(name)).replace(doctored.from, doctored.to)
    expect(unfaithful).not.toBe(await summarize(name))
    await expect(unfaithful).not.toBeFaithfulTo(source)
  })
})
