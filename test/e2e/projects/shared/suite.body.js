// The suite every fixture project runs. The harness prepends each runner's own imports,
// so the same assertions run in Vitest (ESM) and Jest (CommonJS and @jest/globals).
const article =
  'Apple Inc. reported revenue of $94.9 billion for its fiscal third quarter, up 8% from a year earlier. ' +
  'Chief executive Tim Cook announced the results on August 1, 2024, in Cupertino, and thanked customers.'
const summary = "- Apple's revenue rose 8% to $94.9B\n- Tim Cook announced the results\n- Reported on August 1, 2024"
const Reply = z.object({ title: z.string(), tags: z.array(z.string()) })

test('pass: bullets', () => {
  expect(summary).toHaveBullets({ max: 3, maxWordsPerBullet: 20 })
})
test('fail: bullets', () => {
  expect(summary).toHaveBullets({ max: 2 })
})
test('pass: not bullets', () => {
  expect('Plain prose - no list here.').not.toHaveBullets()
})
test('fail: not bullets', () => {
  expect(summary).not.toHaveBullets()
})
test('pass: entities', () => {
  expect(summary).toPreserveEntities(['Apple', 'Tim Cook'])
})
test('fail: entities', () => {
  expect(summary).toPreserveEntities(['Apple', 'Nestlé'])
})
test('pass: numbers', () => {
  expect(summary).toHaveNoInventedNumbers(article)
})
test('fail: numbers', () => {
  expect('Revenue rose 9% to $95 billion.').toHaveNoInventedNumbers(article)
})
test('pass: concise', () => {
  expect(summary).toBeConcise({ of: article, maxRatio: 0.6 })
})
test('fail: concise', () => {
  expect(article).toBeConcise({ maxWords: 10 })
})
test('pass: schema', () => {
  expect('```json\n{"title": "Q3", "tags": ["apple"]}\n```').toMatchSchema(Reply)
})
test('fail: schema', () => {
  expect('{"title": 3, "tags": []}').toMatchSchema(Reply)
})
test('fail: usage error under not', () => {
  expect(42).not.toHaveBullets()
})
test('pass: resolves', async () => {
  await expect(Promise.resolve(summary)).resolves.toHaveBullets({ exactly: 3 })
})
