import { describe, expect, test } from 'vitest'
import { failure } from '../helpers.js'

const article = 'Apple reported revenue of $94.9 billion, up 8% from a year earlier, on August 1, 2024. It opened 12 stores.'

describe('toHaveNoInventedNumbers', () => {
  test('pass', () => {
    expect('1. Revenue hit 94.9 billion dollars\n2. Growth was eight percent\n3. Reported Aug 1, 2024 in 2024').toHaveNoInventedNumbers(article)
  })

  test('fail', () => {
    expect(failure(() => expect('Revenue rose 9% to $95 billion across 12 stores.').toHaveNoInventedNumbers(article))).toMatchInlineSnapshot(`
      "expect(received).toHaveNoInventedNumbers(source)

      Expected every number in the text to appear in the source, but 2 claims are not supported.

      Expected: numbers supported by the source (4 numeric claims there)
      Received: 3 numeric claims, 2 unsupported
                ✗ "9%" (% 9) at line 1: closest in the source: "8%", "12", "$94.9 billion"
                ✗ "$95 billion" (USD 95000000000) at line 1: closest in the source: "$94.9 billion", "12", "8%""
    `)
  })

  test('.not pass', () => {
    expect('Revenue was $100 billion.').not.toHaveNoInventedNumbers(article)
  })

  test('.not fail', () => {
    expect(failure(() => expect('Revenue was $94.9B, up 8%.').not.toHaveNoInventedNumbers(article))).toMatchInlineSnapshot(`
      "expect(received).not.toHaveNoInventedNumbers(source)

      Expected the text to contain a number the source does not support, but all 2 numeric claims are supported.

      Expected: numbers supported by the source (4 numeric claims there)
      Received: 2 numeric claims, 0 unsupported
                ✓ "$94.9B": in the source as "$94.9 billion"
                ✓ "8%": in the source as "8%""
    `)
  })

  test('normalises money, scale and words: $10M = $10 million = ten million dollars = 10,000,000 dollars', () => {
    for (const claim of ['$10M', '$10 million', 'ten million dollars', '10,000,000 dollars']) {
      expect(`They raised ${claim}.`).toHaveNoInventedNumbers('The round was $10 million.')
    }
    expect('25% of users').toHaveNoInventedNumbers('a quarter, 25 percent, of users')
    expect('1.5k users').toHaveNoInventedNumbers('1,500 users')
  })

  test('tolerance allows rounding', () => {
    expect('$95 billion').not.toHaveNoInventedNumbers(article)
    expect('$95 billion').toHaveNoInventedNumbers(article, { tolerance: 0.01 })
    expect(failure(() => expect('$99 billion').toHaveNoInventedNumbers(article, { tolerance: 0.01 }))).toContain('within 1%')
  })

  test('a wrong date or year is invented', () => {
    expect('Reported on August 2, 2024.').not.toHaveNoInventedNumbers(article)
    expect('Reported in 2023.').not.toHaveNoInventedNumbers(article)
  })

  test('an invented number in fullwidth, Arabic-Indic, Persian or Devanagari digits is caught', () => {
    for (const claim of ['９５％', '＄１０', '٩٥', '۹۵', '९५', '9\u200B5']) {
      expect(failure(() => expect(`Growth: ${claim}.`).toHaveNoInventedNumbers(article)), claim).toContain(`✗ "${claim}"`)
    }
    expect(failure(() => expect('Growth: ٩٥٪.').toHaveNoInventedNumbers(article))).toMatchInlineSnapshot(`
      "expect(received).toHaveNoInventedNumbers(source)

      Expected every number in the text to appear in the source, but 1 claim is not supported.

      Expected: numbers supported by the source (4 numeric claims there)
      Received: 1 numeric claim, 1 unsupported
                ✗ "٩٥٪" (% 95) at line 1: closest in the source: "8%", "12", "$94.9 billion""
    `)
  })

  test('a number in any script supports the same value in ASCII, and the reverse', () => {
    expect('Up 8% to $94.9 billion in 12 stores').toHaveNoInventedNumbers('Up ８％ to ＄９４．９ billion in ١٢ stores')
    expect('Up ８％, ٨٪, ۸٪ and ८% in १२ stores').toHaveNoInventedNumbers(article)
    expect(failure(() => expect('Up ８％ in ١٢ stores').not.toHaveNoInventedNumbers(article))).toMatchInlineSnapshot(`
      "expect(received).not.toHaveNoInventedNumbers(source)

      Expected the text to contain a number the source does not support, but all 2 numeric claims are supported.

      Expected: numbers supported by the source (4 numeric claims there)
      Received: 2 numeric claims, 0 unsupported
                ✓ "８％": in the source as "8%"
                ✓ "١٢": in the source as "12""
    `)
  })

  test('a minus sign must be supported by a negative value or a word of decrease, and the reverse', () => {
    expect(failure(() => expect('Margin: −8%.').toHaveNoInventedNumbers(article))).toMatchInlineSnapshot(`
      "expect(received).toHaveNoInventedNumbers(source)

      Expected every number in the text to appear in the source, but 1 claim is not supported.

      Expected: numbers supported by the source (4 numeric claims there)
      Received: 1 numeric claim, 1 unsupported
                ✗ "−8%" (% -8) at line 1: closest in the source: "8%", "12", "$94.9 billion"; the source has "8%" without the minus sign"
    `)
    expect('Margin: -8%.').not.toHaveNoInventedNumbers(article)
    expect('Margin: -8%, then −8%.').toHaveNoInventedNumbers('Sales fell 8% on the year.')
    expect('Margin: -8%.').toHaveNoInventedNumbers('Margin: −8%.')
    expect('Sales fell 8%; a decline of 8%.').toHaveNoInventedNumbers('Change: -8%.')
    expect(failure(() => expect('Change: 8%.').toHaveNoInventedNumbers('Change: -8%.'))).toContain('✗ "8%" (% 8) at line 1: closest in the source: "-8%"; the source has "-8%" with a minus sign')
    expect('Ranges of 5-8% and lists:\n- 8% up\n- 12 stores').toHaveNoInventedNumbers('Growth of 5 to 8% in 12 stores')
  })

  test('counts, sums, percent changes and ordinal words of the source are support, shown as derived', () => {
    const source = 'The festival showed Alpha, Beta and Gamma. Sales rose from 2,400 to 4,500. He won his sixth title.'
    expect(failure(() => expect('Three films; sales up 88%; six titles.').not.toHaveNoInventedNumbers(source))).toMatchInlineSnapshot(`
      "expect(received).not.toHaveNoInventedNumbers(source)

      Expected the text to contain a number the source does not support, but all 3 numeric claims are supported.

      Expected: numbers supported by the source (3 numeric claims there)
      Received: 3 numeric claims, 0 unsupported
                ✓ "Three": in the source as "3 items: Alpha, Beta, Gamma"
                ✓ "88%": in the source as "2,400 → 4,500 (+87.5%)"
                ✓ "six": in the source as "sixth""
    `)
    expect(failure(() => expect('Four films; sales up 90%; seven titles.').toHaveNoInventedNumbers(source))).toContain('3 claims are not supported')
  })

  test('a list after a clause joined by "and", and the speakers of a lower-case chat, are counted', () => {
    const launch = 'The lamp costs 89 euros, bulb included, and goes on sale in June in Oslo, Bergen and Tromso.'
    expect(failure(() => expect('It sells in three Norwegian cities.').not.toHaveNoInventedNumbers(launch))).toContain('✓ "three": in the source as "3 items: Oslo, Bergen, Tromso"')
    expect(failure(() => expect('It sells in four Norwegian cities.').toHaveNoInventedNumbers(launch))).toContain('✗ "four"')
    expect(failure(() => expect('It sells in three Norwegian cities.').toHaveNoInventedNumbers(launch, { derived: false }))).toContain('✗ "three"')
    const chat = 'ana: rent is due\nbo: i paid mine\ncy: sending now\nana: thanks\nbo: np'
    expect('Rent is split three ways.').toHaveNoInventedNumbers(chat)
    expect(failure(() => expect('Rent is split two ways.').toHaveNoInventedNumbers(chat))).toContain('✗ "two"')
  })

  test('a place in a finishing order the source writes out supports that place, said of who took it', () => {
    const heat = 'Rui Sato won the heat ahead of Tom Abel and Kai Moss.'
    expect(failure(() => expect('Kai Moss (3rd) went through.').not.toHaveNoInventedNumbers(heat))).toContain('✓ "3rd": in the source as "place 3: Kai Moss"')
    expect(failure(() => expect('Tom Abel (3rd) went through.').toHaveNoInventedNumbers(heat))).toContain('✗ "3rd"')
    expect(failure(() => expect('Kai Moss (3rd) went through.').toHaveNoInventedNumbers(heat, { derived: false }))).toContain('✗ "3rd"')
  })

  test('a count and an "and one" whose noun is left out add up', () => {
    const source = 'Two goals came from corners and one from a penalty.'
    expect('Three goals in all.').toHaveNoInventedNumbers(source)
    expect(failure(() => expect('Four goals in all.').toHaveNoInventedNumbers(source))).toContain('✗ "Four"')
    expect(failure(() => expect('Three goals in all.').toHaveNoInventedNumbers(source, { derived: false }))).toContain('✗ "Three"')
  })

  test('derived: false checks only numbers the source writes', () => {
    const source = 'The festival showed Alpha, Beta and Gamma. Sales rose from 2,400 to 4,500. He won his sixth title.'
    expect(failure(() => expect('Three films; sales up 88%; six titles.').toHaveNoInventedNumbers(source, { derived: false }))).toContain('3 claims are not supported')
    expect('Sales rose from 2,400 to 4,500.').toHaveNoInventedNumbers(source, { derived: false })
  })

  test('bounds and approximations are read as stated', () => {
    expect('More than 100 people came; turnout was about 90%.').toHaveNoInventedNumbers('In all, 116 people came. Turnout was 88.6%.')
    expect(failure(() => expect('More than 100 people came.').toHaveNoInventedNumbers('In all, 90 people came.'))).toContain('✗ "100"')
    expect(failure(() => expect('About 90% voted.').toHaveNoInventedNumbers('Turnout was 88.6%.', { approximate: 0.01 }))).toContain('✗ "90%"')
  })

  test('context: true needs the supporting number to share its noun', () => {
    expect('a four-wicket win').toHaveNoInventedNumbers('He made four ducks.')
    expect(failure(() => expect('a four-wicket win').toHaveNoInventedNumbers('He made four ducks.', { context: true }))).toContain('✗ "four"')
    expect('a four-wicket win').toHaveNoInventedNumbers('They won by four wickets.', { context: true })
  })

  test('a sum needs addends that count the same thing', () => {
    expect('It has 7 employees.').not.toHaveNoInventedNumbers('It has 3 employees and 4 offices.')
    expect('He is 45 years old.').not.toHaveNoInventedNumbers('He is forty years old and has five kids.')
    expect('They scored 12 goals.').toHaveNoInventedNumbers('They scored 5 goals in the first half and 7 goals in the second.')
    expect('They scored 12.').toHaveNoInventedNumbers('They scored 5 in the first half and 7 in the second.')
  })

  test('context: true needs every addend of a sum to share the claim\'s words', () => {
    const pay = 'The CEO earned $5 million and the CFO earned $7 million.'
    expect('The CEO earned $12 million.').toHaveNoInventedNumbers(pay)
    expect(failure(() => expect('The CEO earned $12 million.').toHaveNoInventedNumbers(pay, { context: true }))).toContain('✗ "$12 million"')
    expect('They scored 12 goals.').toHaveNoInventedNumbers('They scored 5 goals in the first half and 7 goals in the second.', { context: true })
  })

  test('context: true does not give an age the noun before it', () => {
    expect(failure(() => expect('There were 3 victims.').toHaveNoInventedNumbers('There were two victims, aged 3 and 40.', { context: true }))).toContain('✗ "3"')
    expect('The victims were aged 3 and 40.').toHaveNoInventedNumbers('There were two victims, aged 3 and 40.', { context: true })
  })

  test('an age set off by commas after a name needs that age said of that name in the source', () => {
    const story = 'Marta Silva, 28, opened a café in Leeds with her partner Owen Reyes, 31.'
    expect('Owen Reyes, 31, co-owns the café.').toHaveNoInventedNumbers(story)
    expect(failure(() => expect('Marta Silva, 31, opened a café.').toHaveNoInventedNumbers(story))).toContain('✗ "31"')
    expect('Marta Silva opened a café with a partner aged 31.').toHaveNoInventedNumbers(story)
  })

  test('an output and a source that each state one age tens of thousands of times complete', () => {
    // Each output age asks a bounded number of the source's equal numbers, each of which
    // reads its neighbours once: this would take hours if every pair were compared.
    const output = 'Okafor, 12, '.repeat(30_000)
    expect(failure(() => expect(output).toHaveNoInventedNumbers('Hale, 12, '.repeat(30_000)))).toContain('✗ "12"')
    expect(output).toHaveNoInventedNumbers(`Okafor, 12, ${'Hale, 12, '.repeat(30_000)}`)
  })

  test('superscript powers, scientific notation, enclosed digits and vulgar fractions are numbers', () => {
    expect(failure(() => expect('Population: 10⁶ people.').toHaveNoInventedNumbers('Population: 10 people.'))).toContain('✗ "10⁶"')
    expect('Population: 10⁶ people.').toHaveNoInventedNumbers('Population: 1,000,000 people.')
    expect(failure(() => expect('Population: 1e6 people.').toHaveNoInventedNumbers('Population: 1 person.'))).toContain('✗ "1e6"')
    expect('Population: 1e6 people.').toHaveNoInventedNumbers('Population: one million people.')
    expect(failure(() => expect('①⓪⓪ dollars').toHaveNoInventedNumbers('No money was paid.'))).toContain('✗ "①⓪⓪ dollars"')
    expect('①⓪⓪ dollars').toHaveNoInventedNumbers('It cost $100.')
    expect(failure(() => expect('½ of revenue').toHaveNoInventedNumbers('Most of revenue.'))).toContain('✗ "½"')
    expect('½ of revenue, 2¾ hours').toHaveNoInventedNumbers('0.5 of revenue in 2.75 hours')
    expect('They ran 5 km² in 2024².').toHaveNoInventedNumbers('They ran 5 km in 2024.')
  })

  test('a spoken minus sign is part of the claim', () => {
    expect(failure(() => expect('It was minus 40 degrees.').toHaveNoInventedNumbers('It was 40 degrees.'))).toContain('✗ "minus 40"')
    expect(failure(() => expect('Returns were negative 5%.').toHaveNoInventedNumbers('Returns were 5%.'))).toContain('✗ "negative 5%"')
    expect('It was minus 40 degrees.').toHaveNoInventedNumbers('It was -40 degrees.')
  })

  test('derived: false does not let a digit ordinal and a cardinal support each other', () => {
    expect('The 3rd place.').toHaveNoInventedNumbers('There were 3 teams.')
    expect(failure(() => expect('The 3rd place.').toHaveNoInventedNumbers('There were 3 teams.', { derived: false }))).toContain('✗ "3rd"')
    expect(failure(() => expect('There were 3 teams.').toHaveNoInventedNumbers('It came 3rd.', { derived: false }))).toContain('✗ "3"')
    expect('It came 3rd.').toHaveNoInventedNumbers('The 3rd place.', { derived: false })
  })

  test('dates, years and quarters the source implies are support, unless derived: false', () => {
    const minutes = 'Planning call, Monday 10 March 2031.\nThe venue visit is on thursday the thirteenth, and the lease was signed in 2029 and renewed two years later. Results for the three months to 31 March are due soon.'
    const summary = 'Venue visit: Thursday 13 March. Lease renewed in 2031. Q1 results due soon.'
    expect(summary).toHaveNoInventedNumbers(minutes)
    expect(failure(() => expect(summary).not.toHaveNoInventedNumbers(minutes))).toContain('✓ "13 March": in the source as "thursday the thirteenth"')
    expect(failure(() => expect(summary).toHaveNoInventedNumbers(minutes, { derived: false }))).toContain('✗ "13 March"')
  })

  test('a date, year or quarter the source does not imply is invented', () => {
    const minutes = 'Planning call, Monday 10 March 2031.\nThe venue visit is on thursday the thirteenth, and the lease was signed in 2029 and renewed two years later.'
    expect(failure(() => expect('Venue visit: Thursday 14 March.').toHaveNoInventedNumbers(minutes))).toContain('✗ "14 March"')
    expect(failure(() => expect('Venue visit: 13 April.').toHaveNoInventedNumbers(minutes))).toContain('✗ "13 April"')
    expect(failure(() => expect('Lease renewed in 2032.').toHaveNoInventedNumbers(minutes))).toContain('✗ "2032"')
    expect(failure(() => expect('Q2 results.').toHaveNoInventedNumbers('Results for the three months to 31 March.'))).toContain('✗ "Q2"')
  })

  test('a transcript that says its figures supports them written in figures, and only them', () => {
    const call = [
      'cfo: so bookings were four hundred and twelve million euros, up from three ninety, and we guide between',
      'four hundred and thirty and four hundred and fifty million for the year. the board voted nine votes to two',
      'for a buyback of half a billion. headcount we cut by sixty, versus forty the year before',
    ].join('\n')
    expect('Bookings: €412m (from €390m); guidance €430–450m; buyback €500m approved 9–2; headcount −60 (−40 a year earlier).').toHaveNoInventedNumbers(call)
    const message = failure(() => expect('Bookings: €421m; guidance €430–455m; approved 9–3.').toHaveNoInventedNumbers(call))
    for (const invented of ['"€421m"', '"455"', '"3"']) expect(message).toContain(`✗ ${invented}`)
    expect(message).not.toContain('✗ "€430"')
  })

  test('a bare number does not take a scale it has no reason to take', () => {
    expect(failure(() => expect('It has €12m of stores.').toHaveNoInventedNumbers('Sales were €40 million across 12 stores.'))).toContain('✗ "€12m"')
    expect(failure(() => expect('Both fell: 2 and 3.').toHaveNoInventedNumbers('It was twenty two and thirty three.'))).toContain('✗ "2"')
  })

  test('edge cases: empty text, non-Latin text, 1 MB text', () => {
    expect('').toHaveNoInventedNumbers(article)
    expect('收入增长了8%').toHaveNoInventedNumbers(article)
    const big = 'Revenue was $94.9 billion, up 8%. '.repeat(32_000)
    expect(big.length).toBeGreaterThan(1_000_000)
    expect(big).toHaveNoInventedNumbers(article)
    expect(failure(() => expect(`${big} It had 13 stores.`).toHaveNoInventedNumbers(article))).toContain('✗ "13"')
  })

  test('1 MB of fullwidth digits and hidden characters completes', () => {
    const digits = '１２\u200B'.repeat(350_000)
    expect(digits.length).toBeGreaterThan(1_000_000)
    expect(failure(() => expect(`${digits} and ９％`).toHaveNoInventedNumbers(article))).toContain('✗ "９％"')
    const spaced = '１２ '.repeat(350_000)
    expect(spaced).toHaveNoInventedNumbers(article)
  })
})

describe('toHaveNoInventedNumbers: numbers a source says in words', () => {
  const notes = 'The storm cut power at 02:10 and it was back by 03:55. Repairs took a week; the cost was split sixty forty with the council, and a fifth of homes lost heating.'

  test('passes on the same numbers written in figures', () => {
    expect('Power was back by 03:55: repairs took 1 week, cost split 60/40, and 0.2 of homes lost heating.').toHaveNoInventedNumbers(notes)
  })

  test('fails on other numbers in those forms', () => {
    expect('Power was back by 03:50: repairs took 1 week.').not.toHaveNoInventedNumbers(notes)
    expect('Repairs took 1 month.').not.toHaveNoInventedNumbers(notes)
    expect('The cost was split 70/30.').not.toHaveNoInventedNumbers(notes)
    expect('A quarter of homes, 0.25, lost heating.').not.toHaveNoInventedNumbers(notes)
  })

  test('a risk ratio supports the percent higher or lower risk it states, and decades the years, unless derived: false', () => {
    const study = 'Heavy users had higher mortality (HR 1.27) and fewer relapses (hazard ratio 0.82), the first such finding in three decades.'
    const summary = 'Mortality was 27% higher and relapses 18% lower; a first in 30 years.'
    expect(summary).toHaveNoInventedNumbers(study)
    const message = failure(() => expect('Mortality was 28% higher and relapses 18% higher; a first in 20 years.').toHaveNoInventedNumbers(study))
    for (const invented of ['"28%"', '"18%"', '"20"']) expect(message).toContain(`✗ ${invented}`)
    expect(failure(() => expect(summary).toHaveNoInventedNumbers(study, { derived: false }))).toContain('✗ "27%"')
  })

  test('a range of hours with its meridiem written once is two times', () => {
    const hours = 'The library now opens on Saturdays from 2pm to 6pm.'
    expect('Saturdays: 2–6pm.').toHaveNoInventedNumbers(hours)
    expect(failure(() => expect('Saturdays: 3–6pm.').toHaveNoInventedNumbers(hours))).toContain('✗ "3" (time 15:00)')
    expect(failure(() => expect('Saturdays: 2–6pm.').not.toHaveNoInventedNumbers(hours))).toContain('✓ "2": in the source as "2pm"')
  })
})
