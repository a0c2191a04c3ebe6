// Compiled with tsc against each runner's types. Every call must type-check, and every
// expected-error directive below must be needed, so the check fails if a matcher's type
// disappears or its options stop being checked.
import { z } from 'zod'

const text = '- a\n- b'
expect(text).toHaveBullets()
expect(text).toHaveBullets({ max: 3, maxWordsPerBullet: 20, style: 'bulleted' })
expect(text).not.toHaveBullets({ exactly: 5 })
expect(text).toPreserveEntities(['Apple', 'Tim Cook'], { aliases: { 'Tim Cook': ['Cook'] } })
expect(text).toPreserveEntities({ from: 'Apple and Tim Cook', minRatio: 0.5 })
expect(text).toHaveNoInventedNumbers('source 10', { tolerance: 0.01 })
expect(text).toBeConcise({ of: 'long source', maxRatio: 0.2 })
expect(text).toMatchSchema(z.object({ title: z.string() }))
export async function later(): Promise<void> {
  await expect(Promise.resolve(text)).resolves.toHaveBullets()
  await expect(text).toBeSemanticallySimilarTo('a and b', { threshold: 0.85, model: 'text-embedding-3-large' })
  await expect(text).not.toBeSemanticallySimilarTo('something else')
  // @ts-expect-error the expected text must be a string
  await expect(text).toBeSemanticallySimilarTo(42)
  // @ts-expect-error threshold is a number
  await expect(text).toBeSemanticallySimilarTo('a', { threshold: 'high' })
}
export async function faithful(): Promise<void> {
  await expect(text).toBeFaithfulTo('source', { model: 'gpt-4o' })
  await expect(text).not.toBeFaithfulTo('source')
  // @ts-expect-error the source must be a string
  await expect(text).toBeFaithfulTo(42)
  // @ts-expect-error the only option is model
  await expect(text).toBeFaithfulTo('source', { modle: 'gpt-4o' })
}

// @ts-expect-error style is one of 'any' | 'bulleted' | 'numbered'
expect(text).toHaveBullets({ style: 'dashes' })
// @ts-expect-error the source must be a string
expect(text).toHaveNoInventedNumbers(42)
// @ts-expect-error toBeConcise needs its options
expect(text).toBeConcise()
