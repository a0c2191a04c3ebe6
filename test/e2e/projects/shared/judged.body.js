// Judged assertions, answered by the harness's fixture server acting as the judge model:
// it scores an output low when it contains the word "invented".
const article = 'Apple reported revenue of $85.8 billion, up 5%, Tim Cook said on August 1, 2024.'

test('pass: judged', async () => {
  await expect('- Revenue rose 5% to $85.8 billion.\n- Tim Cook announced it.').toScoreAtLeast(7, { source: article })
})
test('fail: judged', async () => {
  await expect('- Revenue rose 50% on invented demand.').toScoreAtLeast(7, { source: article })
})
test('pass: judged not', async () => {
  await expect('- An invented figure.').not.toScoreAtLeast(7, { source: article })
})
