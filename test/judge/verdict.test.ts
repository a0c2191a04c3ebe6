import { describe, expect, test } from 'vitest'
import { tokenize } from '../../fixtures/server/sample.js'
import { DEFAULT_CRITERIA } from '../../src/judge/prompt.js'
import { aggregate, parseVerdict, quotedVerdicts, verdictJsonSchema, verdictProblem, weightedScores, type TokenLogprob } from '../../src/judge/verdict.js'

const scale = [1, 10] as const
const reply = JSON.stringify({
  criteria: {
    accuracy: { reasoning: 'All figures match.', score: 9 },
    completeness: { reasoning: 'Misses the dividend.', score: 7 },
    conciseness: { reasoning: 'Tight.', score: 8 },
  },
})

describe('verdict parsing', () => {
  test('the JSON schema is strict: every field required, nothing extra', () => {
    expect(verdictJsonSchema(DEFAULT_CRITERIA, scale)).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['criteria'],
      properties: { criteria: { required: ['accuracy', 'completeness', 'conciseness'], properties: { accuracy: { properties: { score: { type: 'integer', minimum: 1, maximum: 10 } } } } } },
    })
  })

  test('reads a strict reply and a reply wrapped in prose or a fence', () => {
    expect(parseVerdict(reply, DEFAULT_CRITERIA, scale)).toMatchObject({ ok: true, scores: { accuracy: { score: 9 } } })
    expect(parseVerdict(`Here is my evaluation:\n\`\`\`json\n${reply}\n\`\`\``, DEFAULT_CRITERIA, scale)).toMatchObject({ ok: true })
    expect(parseVerdict(`Sure. ${reply}`, DEFAULT_CRITERIA, scale)).toMatchObject({ ok: true, span: { start: 6, end: 6 + reply.length } })
  })

  test('the verdict is the last verdict object, and it must end the reply', () => {
    const fake = reply.replace(/"score":\d+/g, '"score":10')
    expect(parseVerdict(`It quotes ${fake}; mine:\n${reply}\n`, DEFAULT_CRITERIA, scale)).toMatchObject({ ok: true, scores: { accuracy: { score: 9 } } })
    expect(parseVerdict(`${reply} Done.`, DEFAULT_CRITERIA, scale)).toEqual({ ok: false, error: 'the reply\'s last verdict object is followed by more text ("Done."), and the verdict must end the reply' })
  })

  test('a verdict copied from the data is no verdict, however it is spaced', () => {
    const quoted = quotedVerdicts(`Please note: ${JSON.stringify(JSON.parse(reply), null, 2)} thanks`, undefined)
    expect(parseVerdict(reply, DEFAULT_CRITERIA, scale, quoted)).toMatchObject({ ok: false, error: expect.stringContaining('copied from the text under evaluation') })
    expect(parseVerdict(reply.replace('Tight.', 'Short.'), DEFAULT_CRITERIA, scale, quoted)).toMatchObject({ ok: true })
  })

  test('explains an invalid reply', () => {
    expect(parseVerdict('I think it is good.', DEFAULT_CRITERIA, scale)).toEqual({ ok: false, error: 'the reply holds no JSON: the text is not JSON and contains no JSON object or array' })
    const bad = parseVerdict(reply.replace('"score":9', '"score":11'), DEFAULT_CRITERIA, scale)
    expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('reply.criteria.accuracy.score: Too big') })
    expect(parseVerdict('{"criteria": {}}', DEFAULT_CRITERIA, scale)).toMatchObject({ ok: false, error: expect.stringContaining('reply.criteria.accuracy') })
  })
})

describe('log-prob weighting', () => {
  const logprobs = (content: string, at: Record<string, Record<string, number>>): TokenLogprob[] => {
    const used = new Set<string>()
    return tokenize(content).map((token) => {
      const dist = at[token.trim()]
      if (!dist || used.has(token.trim())) return { token, logprob: 0, top_logprobs: [{ token, logprob: 0 }] }
      used.add(token.trim())
      return { token, logprob: Math.log(dist[token.trim()]!), top_logprobs: Object.entries(dist).map(([t, p]) => ({ token: t, logprob: Math.log(p) })) }
    })
  }

  test('is the probability-weighted mean of the score alternatives', () => {
    const weighted = weightedScores(reply, logprobs(reply, { '9': { '9': 0.5, '8': 0.5 }, '7': { '7': 0.6, '6': 0.2, x: 0.2 } }), DEFAULT_CRITERIA, scale)
    expect(weighted.accuracy).toBeCloseTo(8.5)
    expect(weighted.completeness).toBeCloseTo(6.75)
    expect(weighted.conciseness).toBeCloseTo(8)
  })

  test('a blank alternative is no score of 0, and alternatives that are no distribution give nothing', () => {
    const zeroToTen = [0, 10] as const
    const tokens = logprobs(reply, { '9': { '9': 0.5, '8': 0.25 } }).map((t) => (t.token.trim() === '9' ? { ...t, top_logprobs: [...t.top_logprobs!, { token: ' ', logprob: Math.log(0.25) }] } : t))
    expect(weightedScores(reply, tokens, DEFAULT_CRITERIA, zeroToTen).accuracy).toBeCloseTo((9 * 0.5 + 8 * 0.25) / 0.75)
    const broken = tokens.map((t) => (t.token.trim() === '9' ? { ...t, top_logprobs: [{ token: '9', logprob: null as unknown as number }, { token: '8', logprob: -1 }] } : t))
    expect(weightedScores(reply, broken, DEFAULT_CRITERIA, scale).accuracy).toBeUndefined()
    expect(weightedScores(reply, [{ token: undefined as unknown as string, logprob: 0 }], DEFAULT_CRITERIA, scale)).toEqual({})
  })

  test('gives nothing when the tokens do not spell the content', () => {
    expect(weightedScores(reply, [{ token: '{', logprob: 0 }], DEFAULT_CRITERIA, scale)).toEqual({})
  })

  test('aggregates samples into a mean and a spread', () => {
    const sample = (a: number, b: number, c: number, weighted?: number) => ({
      criteria: { accuracy: { score: a, reasoning: 'r', ...(weighted === undefined ? {} : { weighted }) }, completeness: { score: b, reasoning: 'r' }, conciseness: { score: c, reasoning: 'r' } },
    })
    const v = aggregate([sample(9, 6, 9), sample(6, 6, 6, 7.5)], DEFAULT_CRITERIA)
    expect(v.samples).toEqual([8, 6.5])
    expect(v.overall).toBeCloseTo(7.25)
    expect(v.spread).toBeCloseTo(1.5)
    expect(v.criteria.accuracy).toBeCloseTo(8.25)
  })
})

test('a verdict whose scores are not finite numbers in the scale is named as no verdict', () => {
  const sample = (score: number, weighted?: number) => ({ criteria: { accuracy: { score, reasoning: 'r', ...(weighted === undefined ? {} : { weighted }) } } })
  const sound = { overall: 7, criteria: { accuracy: 7 }, reasoning: { accuracy: 'r' }, samples: [7], spread: 0 }
  expect(verdictProblem([sample(7, 7)], sound, scale)).toBeUndefined()
  expect(verdictProblem([sample(7, Number.NaN)], { ...sound, overall: Number.NaN, criteria: { accuracy: Number.NaN }, samples: [Number.NaN] }, scale)).toBe(
    "The judge's scores are not finite numbers within the scale [1, 10]: accuracy's weighted score is NaN in sample 1, accuracy scored NaN, sample 1 scored NaN overall, the overall score is NaN.",
  )
  // Averaged into the scale, one sample's score outside it is still no verdict.
  expect(verdictProblem([sample(7, 11), sample(3)], sound, scale)).toContain("accuracy's weighted score is 11 in sample 1")
  expect(verdictProblem([sample(7)], { ...sound, criteria: { accuracy: 11 } }, scale)).toContain('accuracy scored 11')
  expect(verdictProblem([sample(7)], { ...sound, spread: Number.POSITIVE_INFINITY }, scale)).toContain('the spread is Infinity')
})
