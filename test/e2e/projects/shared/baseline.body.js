// A structural baseline, with the output under test chosen by the harness.
const output = process.env.BASELINE_OUTPUT || '- Apple rose 5% in the quarter.\n- Tim Cook thanked customers.\n- Shares rose after hours.'

test('pass: baseline', () => {
  expect(output).toMatchStructuralBaseline({ input: 'Summarise the article.' })
})
