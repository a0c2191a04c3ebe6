// A structural baseline, with the output under test chosen by the harness.
const output = process.env.BASELINE_OUTPUT || '- Apple rose 5% in the quarter.\n- Tim Cook thanked customers.\n- Shares rose after hours.'

test('pass: baseline', () => {
  expect(output).toMatchStructuralBaseline({ input: 'Summarise the article.' })
})

// Present only when the harness asks; skipped when it says so.
if (process.env.SECOND) {
  ;(process.env.SECOND === 'skip' ? test.skip : test)('pass: second baseline', () => {
    expect('1. One.\n2. Two.').toMatchStructuralBaseline()
  })
}
