import { describe, expect, test } from 'vitest'
import { ClaimIndex, type SupportOptions } from '../../src/text/claims.js'
import { extractNumbers } from '../../src/text/numbers.js'

// Whether every claim of `claim` is supported by `source`, read as the matcher reads them.
const supported = (claim: string, source: string, options: SupportOptions & { derived?: boolean } = {}) => {
  const index = new ClaimIndex(extractNumbers(source, { implied: options.derived !== false }), { text: source, derived: options.derived })
  const claims = extractNumbers(claim)
  expect(claims.length, `claims in ${JSON.stringify(claim)}`).toBeGreaterThan(0)
  return claims.every((c) => index.support(c, options) !== undefined)
}

describe('ordinals and multipliers in the source', () => {
  test('an ordinal word supports its cardinal, and no other', () => {
    expect(supported('six titles', 'He won his sixth title.')).toBe(true)
    expect(supported('6 titles', 'He won his sixth title.')).toBe(true)
    expect(supported('seven titles', 'He won his sixth title.')).toBe(false)
    expect(supported('21 wins', 'It was his twenty-first win.')).toBe(true)
    // "third" is as often a fraction ("a third") or a party: it supports nothing.
    expect(supported('three parts', 'A third of it was sold to a third party.')).toBe(false)
  })

  test('"twice", "both" and "trio" support the number they stand for', () => {
    expect(supported('two times', 'She was elected twice.')).toBe(true)
    expect(supported('two companies', 'Both companies agreed.')).toBe(true)
    expect(supported('three singers', 'The trio sang.')).toBe(true)
    expect(supported('three times', 'She was elected twice.')).toBe(false)
  })

  test('with derived: false, ordinal and multiplier words support nothing', () => {
    expect(supported('six titles', 'He won his sixth title.', { derived: false })).toBe(false)
    expect(supported('two companies', 'Both companies agreed.', { derived: false })).toBe(false)
  })
})

describe('spoken prices', () => {
  test('"twelve fifty" supports 12.50 and 1250, not 62', () => {
    expect(supported('12.50 euros', 'It was twelve fifty euros.')).toBe(true)
    expect(supported('at 12.50', 'It was twelve fifty.')).toBe(true)
    expect(supported('62 euros', 'It was twelve fifty euros.')).toBe(false)
    expect(supported('12.50 euros', 'It was twelve fifty euros.', { derived: false })).toBe(false)
  })
})

describe('money', () => {
  test('an amount is supported by the same number written without its currency, a percentage is not', () => {
    expect(supported('€840', 'Total: 840 (EUR)')).toBe(true)
    expect(supported('€850', 'Total: 840 (EUR)')).toBe(false)
    expect(supported('$840', 'Total: €840')).toBe(false)
    expect(supported('84%', 'Total: 84 stores')).toBe(false)
  })
})

describe('clock times and scores', () => {
  test('a clock time does not support its hour or minutes, but supports the same time', () => {
    expect(supported('three people', 'The train left at 03:30.')).toBe(false)
    expect(supported('30 people', 'The train left at 03:30.')).toBe(false)
    expect(supported('at 3:30', 'The train left at 03:30.')).toBe(true)
    expect(supported('at 3:45', 'The train left at 03:30.')).toBe(false)
    expect(supported('at 3 pm', 'It opened at 3pm.')).toBe(true)
    expect(supported('three shops', 'It opened at 3pm.')).toBe(false)
  })

  test('two spoken number words support the clock time they say', () => {
    expect(supported('at 3:15pm', 'We meet at three fifteen.')).toBe(true)
    expect(supported('at 3:20pm', 'We meet at three fifteen.')).toBe(false)
    expect(supported('at 3:15pm', 'We meet at three fifteen.', { derived: false })).toBe(false)
  })

  test('a time on the hour is supported by its hour written alone, and no other', () => {
    expect(supported('meet at 7 pm', "Let's meet at 7, ok?")).toBe(true)
    expect(supported('meet at 19:00', "Let's meet at 7, ok?")).toBe(true)
    expect(supported('meet at 8 pm', "Let's meet at 7, ok?")).toBe(false)
    expect(supported('meet at 7:30 pm', "Let's meet at 7, ok?")).toBe(false)
    expect(supported('meet at 7 pm', 'They lost 7-2.')).toBe(false)
  })

  test('a score supports the same score, either way round, but not a bare count', () => {
    expect(supported('won 7-2', 'They lost 2-7.')).toBe(true)
    expect(supported('a 2–7 defeat', 'They lost 2-7.')).toBe(true)
    expect(supported('two goals', 'They lost 2-7.')).toBe(false)
    expect(supported('won 3-2', 'They lost 2-7.')).toBe(false)
  })
})

describe('bounds and approximations', () => {
  test('"more than N" is supported by a larger value, not by a smaller one', () => {
    expect(supported('more than 100 people', 'In all, 116 people came.')).toBe(true)
    expect(supported('more than 100 people', 'In all, 90 people came.')).toBe(false)
    expect(supported('at least 100 people', 'In all, 100 people came.')).toBe(true)
    expect(supported('over 1,000 jobs', 'It cut 1,450 jobs.')).toBe(true)
  })

  test('"fewer than N" is supported by a smaller value, not by a larger one', () => {
    expect(supported('fewer than 50 seats', 'It won 41 seats.')).toBe(true)
    expect(supported('fewer than 50 seats', 'It won 55 seats.')).toBe(false)
  })

  test('a bound is supported by a figure inside it, not by another bound', () => {
    expect(supported('at least five people', 'At least six people died.')).toBe(false)
    expect(supported('more than 10 people', 'More than 12 people came.')).toBe(false)
    expect(supported('at least six people', 'At least six people died.')).toBe(true)
    expect(supported('at least five people', 'Six people died.')).toBe(true)
  })

  test('a bound does not reach past twice or half its number', () => {
    expect(supported('more than 100 people', 'In all, 250 people came.')).toBe(false)
    expect(supported('fewer than 50 seats', 'It won 20 seats.')).toBe(false)
  })

  test('"about N" is supported within the approximation tolerance, 5% by default', () => {
    expect(supported('about 90%', 'Turnout was 88.6%.')).toBe(true)
    expect(supported('about 90%', 'Turnout was 84%.')).toBe(false)
    expect(supported('90%', 'Turnout was 88.6%.')).toBe(false)
    expect(supported('about 90%', 'Turnout was 84%.', { approximate: 0.1 })).toBe(true)
    expect(supported('about 90%', 'Turnout was 88.6%.', { approximate: 0 })).toBe(false)
  })

  test('a bound said of two things is not met when a figure beside the meeting one breaks it for the other', () => {
    const fuel = 'Average petrol prices rose by 4.4p to 116.7p per litre and average diesel prices rose 5.2p to 118.7p per litre.'
    expect(supported('Petrol and diesel rose by more than 5p per litre.', fuel)).toBe(false)
    expect(supported('Petrol rose by more than 5p per litre.', fuel)).toBe(false)
    expect(supported('Diesel rose by more than 5p per litre.', fuel)).toBe(true)
    expect(supported('Petrol and diesel rose by less than 5.3p.', fuel)).toBe(true)
    expect(supported('Petrol and diesel rose by less than 5p.', fuel)).toBe(false)
    // The figure that breaks the bound must be said of something the output names.
    expect(supported('Sales rose more than 5%.', 'Sales rose 5.2% and costs 4.4%.')).toBe(true)
    expect(supported('Sales and costs rose more than 5%.', 'Sales rose 5.2% and costs 4.4%.')).toBe(false)
    // Parts of a total, and figures in another sentence, break nothing.
    expect(supported('Among more than 98,000 women,', 'A total of 98,240 women were included, 49,612 in intervention hospitals and 48,628 in others.')).toBe(true)
    expect(supported('Petrol rose by more than 5p.', 'Diesel rose 5.2p. Petrol rose 4.4p.')).toBe(true)
    // A bound only said of what follows a figure ("4p for petrol") is read as said of nothing.
    expect(supported('Petrol rose 4.4p and diesel rose more than 5p.', fuel)).toBe(true)
  })

  test('tolerance, bounds and approximations never apply to years or dates', () => {
    expect(supported('in 1995', 'It opened in 2014.', { tolerance: 0.01 })).toBe(false)
    expect(supported('around 2015', 'It opened in 2014.')).toBe(false)
    expect(supported('after more than 2000', 'It opened in 2014.')).toBe(false)
    expect(supported('in 2014', 'It opened in 2014.', { tolerance: 0.01 })).toBe(true)
    expect(supported('1,000 people', '990 people', { tolerance: 0.01 })).toBe(true)
  })
})

describe('derivations', () => {
  test('a count of the items the source lists', () => {
    const source = 'The festival showed Alpha, Beta and Gamma. Critics liked it.'
    expect(supported('three films', source)).toBe(true)
    expect(supported('four films', source)).toBe(false)
    expect(supported('two films', 'The festival showed Alpha and Beta.')).toBe(true)
    expect(supported('three films', 'The festival showed Alpha and Beta.')).toBe(false)
    // Clauses joined by commas are no list.
    const clauses = 'With Acme, you get tools, support that not only helps you grow but saves you time and money.'
    expect(supported('three plans', clauses) || supported('four plans', clauses)).toBe(false)
    expect(supported('3 reasons', 'Reasons:\n- cost\n- speed\n- safety\n\nEnd.')).toBe(true)
    expect(supported('4 reasons', 'Reasons:\n- cost\n- speed\n- safety\n\nEnd.')).toBe(false)
  })

  test('a list at the end of a sentence whose first "and" joins clauses, not items', () => {
    const source = 'The kit costs 2,499 dollars, including a charger, and goes on sale in March in Peru, Chile and Ecuador.'
    expect(supported('three South American countries', source)).toBe(true)
    expect(supported('four countries', source)).toBe(false)
    expect(supported('two countries', source)).toBe(false)
    // Two lists in one sentence are both counted.
    const both = 'Last year Ana and Ben toured Lima, Quito and Bogota.'
    expect(supported('two friends', both)).toBe(true)
    expect(supported('three cities', both)).toBe(true)
    expect(supported('four cities', both)).toBe(false)
  })

  test('a place in a finishing order the source writes out, said of the one who took it', () => {
    const race = 'Mara Kell won the final ahead of Ida Roos, Lena Holt and Norway\'s Tove Berg, all within a second.'
    expect(supported('Lena Holt was 3rd.', race)).toBe(true)
    expect(supported('Tove Berg (4th) held on.', race)).toBe(true)
    expect(supported('Ida Roos was 2nd.', race)).toBe(true)
    // The wrong place, or the right place of someone else, is no support.
    expect(supported('Lena Holt was 4th.', race)).toBe(false)
    expect(supported('Ida Roos was 4th.', race)).toBe(false)
    expect(supported('Tove Berg was 5th.', race)).toBe(false)
    const sprint = 'Kim Ruiz won the sprint for second ahead of Ada Voss and Eva Lind.'
    expect(supported('Eva Lind took 4th.', sprint)).toBe(true)
    expect(supported('Eva Lind took 3rd.', sprint)).toBe(false)
    const margin = 'Sven Aho won by a metre from Piet Baas, with Olle Dahl third.'
    expect(supported('Piet Baas was 2nd.', margin)).toBe(true)
    expect(supported('Piet Baas was 2nd.', margin, { derived: false })).toBe(false)
  })

  test('a count of the speakers of a dialogue', () => {
    const chat = 'Steve: are we going?\nCarly: yes, at noon\nSteve: great'
    expect(supported('Two friends plan a trip.', chat)).toBe(true)
    expect(supported('Three friends plan a trip.', chat)).toBe(false)
  })

  test('a count of the speakers of a chat written in lower case', () => {
    const chat = 'sam: who is cooking tonight\nlee: not me\npat: i can\nsam: great, the bill is £30\nlee: thanks pat'
    expect(supported('The bill is split three ways.', chat)).toBe(true)
    expect(supported('The bill is split four ways.', chat)).toBe(false)
    // Lower-case labels said once each are notes, not speakers.
    const notes = 'todo: buy milk\nnote: call the plumber\ndone: tax return'
    expect(supported('three people', notes)).toBe(false)
  })

  test('a count of listed items is a count of things, never a measure of time or size', () => {
    const source = 'Track value, churn rate and return on investment.'
    expect(supported('three metrics', source)).toBe(true)
    expect(supported('for three months', source)).toBe(false)
    expect(supported('three times', source)).toBe(false)
    expect(supported('three miles', source)).toBe(false)
  })

  test('a sum of two numbers of one sentence, or of all of them, but not across sentences', () => {
    expect(supported('12 goals', 'He scored 5 in the first half and 7 in the second.')).toBe(true)
    expect(supported('15 goals', 'Scores were 3, 5 and 7 across the rounds.')).toBe(true)
    expect(supported('13 goals', 'He scored 5 in the first half and 7 in the second.')).toBe(false)
    expect(supported('12 goals', 'He scored 5 in the first half. Then 7 in the second.')).toBe(false)
  })

  test('"and one" with its noun left out is added to the count before it', () => {
    const source = 'Three samples were taken in May and one in June.'
    expect(supported('four samples', source)).toBe(true)
    expect(supported('five samples', source)).toBe(false)
    // "one of" picks one of the others out: no more of them.
    expect(supported('three', 'Two cars crashed and one of the drivers was hurt.')).toBe(false)
    expect(supported('four samples', source, { derived: false })).toBe(false)
  })

  test('a percent change between two numbers of one sentence, rounded as written', () => {
    const source = 'Sales rose from 2,400 last year to 4,500 this year.'
    expect(supported('+88%', source)).toBe(true)
    expect(supported('87.5%', source)).toBe(true)
    expect(supported('47%', source)).toBe(true)
    expect(supported('90%', source)).toBe(false)
    expect(supported('87%', source)).toBe(false)
  })

  test('derived: false turns every derivation off', () => {
    expect(supported('three films', 'The festival showed Alpha, Beta and Gamma.', { derived: false })).toBe(false)
    expect(supported('12 goals', 'He scored 5 in the first half and 7 in the second.', { derived: false })).toBe(false)
    expect(supported('+88%', 'Sales rose from 2,400 last year to 4,500 this year.', { derived: false })).toBe(false)
  })

  test('a year, date or clock time is never summed or compared', () => {
    expect(supported('4,014 votes', 'In 2014 there were 2,000 votes.')).toBe(false)
    expect(supported('4,014 votes', 'On May 3, 2014 there were 2,000 votes.')).toBe(false)
  })

  test('derivations stay bounded on a source with many numbers', () => {
    const source = `${Array.from({ length: 5000 }, (_, i) => String(i + 10)).join(', ')}.`
    const index = new ClaimIndex(extractNumbers(source, { implied: true }), { text: source })
    // 10 + 21 is within the first twelve numbers of the sentence; 5000 + 5009 is past them.
    expect(index.support(extractNumbers('31')[0]!)).toBeDefined()
    expect(index.support(extractNumbers('10,009')[0]!)).toBeUndefined()
  })
})

describe('context mode', () => {
  test('the supporting number must share a noun or unit phrase', () => {
    expect(supported('a four-wicket win', 'He made four ducks.', { context: true })).toBe(false)
    expect(supported('a four-wicket win', 'He made four ducks.')).toBe(true)
    expect(supported('a four-wicket win', 'They won by four wickets.', { context: true })).toBe(true)
    expect(supported('lost 4 wickets', 'They won by four wickets.', { context: true })).toBe(true)
    // Without a noun after it, a claim is compared by the words before it.
    expect(supported('he scored 4', 'They won by four wickets.', { context: true })).toBe(false)
  })

  test('a bare year is not supported by the date of another event', () => {
    const source = 'The company was founded on May 3, 2014. The war ended in 1995.'
    expect(supported('The company was founded in 2014.', source, { context: true })).toBe(true)
    expect(supported('The war ended in 2014.', source, { context: true })).toBe(false)
    expect(supported('The war ended in 2014.', source)).toBe(true)
  })

  test('a count must name something its enumeration mentions', () => {
    const source = 'The festival showed the films Alpha, Beta and Gamma.'
    expect(supported('three films', source, { context: true })).toBe(true)
    expect(supported('three awards', source, { context: true })).toBe(false)
  })
})

describe('ages set off by commas after a name', () => {
  const bakery = 'Nadia Okafor, 34, opened the bakery in May. Her landlord, Victor Hale, 61, raised the rent twice.'

  test('are supported by the same number said of the same name, not by the age of someone else', () => {
    expect(supported('Okafor, 34, runs a bakery.', bakery)).toBe(true)
    expect(supported('Victor Hale, 61, owns the building.', bakery)).toBe(true)
    expect(supported('The landlord, 61, raised the rent.', bakery)).toBe(true)
    expect(supported('Okafor, 61, runs a bakery.', bakery)).toBe(false)
    expect(supported('Hale, 34, owns the building.', bakery)).toBe(false)
    expect(supported('Priya Nair, 34, runs a bakery.', bakery)).toBe(false)
    // Written without commas, the number is no age and is read as before.
    expect(supported('The bakery has 61 loaves.', bakery)).toBe(true)
  })

  test('are supported by the age written in another form, before or after the name', () => {
    expect(supported('Tomas Rivera, 52, was elected.', 'The 52-year-old Tomas Rivera was elected on Sunday.')).toBe(true)
    expect(supported('Rivera, 52, was elected.', 'Tomas Rivera was elected on Sunday. The 52-year-old thanked voters.')).toBe(true)
    expect(supported('Rivera, 52, was elected.', 'Tomas Rivera, aged 52, was elected.')).toBe(true)
    expect(supported('rivera, 52, was elected.', 'tomas rivera, 52, was elected.')).toBe(true)
    expect(supported('Rivera, 52, was elected.', 'Tomas Rivera was elected in 2019. The 52-year-old thanked voters.')).toBe(true)
  })

  test('in a list of people, each age belongs to the name before it', () => {
    const pair = 'Ana Cole, 49, and Tomas Rivera, 52, were elected.'
    expect(supported('Rivera, 52, and Cole, 49, won seats.', pair)).toBe(true)
    expect(supported('Cole, 52, won a seat.', pair)).toBe(false)
    expect(supported('Rivera, 49, won a seat.', pair)).toBe(false)
  })

  test('are not supported by a count or sum the source implies', () => {
    const prizes = 'Lena Brandt won prizes for drawing, singing, chess, swimming and spelling.'
    expect(supported('She won 5 prizes.', prizes)).toBe(true)
    expect(supported('Lena Brandt, 5, won prizes.', prizes)).toBe(false)
  })

  test('a number set off by commas after another number or a function word is no age', () => {
    expect(supported('sizes 8, 10, 12', 'We stock sizes 12, 10 and 8.')).toBe(true)
    expect(supported('Of these, 12, were sold.', 'Twelve were sold.')).toBe(true)
  })
})
