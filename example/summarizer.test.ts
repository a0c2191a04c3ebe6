import { describe, expect, test } from 'vitest'
import { article, summarize } from './summarizer.js'

// The summariser's contract, asserted as behaviour rather than exact text.
describe.each([
  { name: 'apple-q3', entities: ['Apple', 'Tim Cook'] },
  { name: 'ecb-rates', entities: ['European Central Bank', 'Christine Lagarde'] },
])('summary of $name', ({ name, entities }) => {
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
})
