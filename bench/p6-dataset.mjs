// Writes fixtures/datasets/support-replies.jsonl, the dataset of benchmark P6: 25 support
// tickets, each with a correct reply, 7 near-duplicates of it (whitespace, case and
// punctuation, synonyms, a dropped filler word, invisible and typographic characters, a
// reordered sentence) and 5 traps that look alike but deserve another verdict (a changed
// amount or count, a negation, a swapped name, a reversed decision, a weaker promise), plus
// one trap of a disguised kind (a negation spelt without its apostrophe or with a stand-in
// for it, a flipped answer mark, a slang or prefixed negation, a struck-out decision, or
// names swapped at sentence starts). Then 14 tickets of one reply each whose verdict turns on
// one character a looser fold would drop (see LITERAL), with a spacing copy and a trap.
// Each row carries `score`, the verdict a fresh judge gives it (the fixture judge of
// bench/p6-semantic-cache.mjs answers with it). Run: node bench/p6-dataset.mjs
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const TEMPLATES = {
  refund: {
    source: 'Ticket from {name}: refund request for order {order}. Policy check: refund of ${amount} approved; card refunds take {days} business days.',
    reply:
      'Hi {name}, thank you for contacting {company} support. Your refund of ${amount} for order {order} has been approved and will be returned to your {card} card within {days} business days. If you have any other questions about this order, simply reply to this email and we will be happy to help.',
    decision: ['approved', 'denied'],
    modal: ['will be returned', 'may be returned'],
    status: ['Refund approved: Y', 'Refund approved: N'],
  },
  replacement: {
    source: 'Ticket from {name}: item in order {order} arrived broken. Warehouse check: replacement approved, ships with {carrier}, arrives in {days} days; no return needed for items under ${amount}.',
    reply:
      'Hello {name}, we are sorry that your item from order {order} arrived damaged. We have approved a free replacement, which will ship with {carrier} and should arrive within {days} days. Because the item cost less than ${amount}, you do not need to send the broken one back to {company}.',
    decision: ['approved', 'rejected'],
    modal: ['will ship', 'might ship'],
    status: ['Replacement approved: \u2713', 'Replacement approved: \u2717'],
  },
  cancellation: {
    source: 'Ticket from {name}: cancel the {company} Plus plan. Billing check: cancellation accepted, access ends after {days} days, final charge ${amount}.',
    reply:
      'Hi {name}, your request to cancel your {company} Plus subscription has been accepted. You will keep full access for the next {days} days, and your {card} card will receive one final charge of ${amount} for order {order}. After that, no further payments will be taken from your account.',
    decision: ['accepted', 'rejected'],
    modal: ['will keep', 'may keep'],
    status: ['Cancellation accepted: \u2714', 'Cancellation accepted: \u2718'],
  },
  warranty: {
    source: 'Ticket from {name}: warranty claim for order {order}. Claims check: device eligible, repair at the {city} centre within {days} days, repair fee ${amount}.',
    reply:
      'Dear {name}, thanks for sending the details of your warranty claim for order {order}. Your device is eligible for repair, and our {city} service centre will fix it within {days} days. The repair fee is ${amount}. {company} will email you a prepaid label today. {carrier} will collect the device from you.',
    decision: ['eligible', 'ineligible'],
    modal: ['will fix', 'could fix'],
    status: ['Repair covered: \u2611', 'Repair covered: \u2612'],
    // Two names that each open a sentence: a trap swaps their roles.
    roles: ['company', 'carrier'],
  },
  unlock: {
    source: 'Ticket from {name}: account locked after failed logins. Security check: identity confirmed, account unlocked, reset link valid {days} hours, loyalty balance ${amount} intact.',
    reply:
      'Hi {name}, we have confirmed your identity and your {company} account is now unlocked. A password reset link has been sent to your email and it stays valid for {days} hours. Your loyalty balance of ${amount} and the details of order {order} are safe and have not changed.',
    decision: ['now unlocked', 'still locked'],
    modal: ['stays valid', 'may stay valid'],
    status: ['Account unlocked: \u{1F44D}', 'Account unlocked: \u{1F44E}'],
  },
}

const PEOPLE = ['Maria', 'Daniel', 'Aisha', 'Kenji', 'Sofia', 'Liam', 'Priya', 'Tomasz', 'Chloe', 'Omar', 'Elena', 'Jamal', 'Ingrid', 'Mateo', 'Yuki', 'Grace', 'Ravi', 'Hannah', 'Luca', 'Fatima', 'Noah', 'Zara', 'Pedro', 'Mei', 'Oscar']
const OTHERS = ['Marco', 'Diana', 'Amira', 'Kenta', 'Sonia', 'Leon', 'Pooja', 'Tobias', 'Claire', 'Omid', 'Elsa', 'Jalen', 'Irene', 'Mario', 'Yuna', 'Greta', 'Rohan', 'Helen', 'Lucas', 'Farah', 'Nora', 'Zoe', 'Pablo', 'Ming', 'Otto']
const COMPANIES = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella']
const CARDS = ['Visa', 'Mastercard', 'Amex', 'Discover', 'Maestro']
const CARRIERS = ['FedEx', 'UPS', 'DHL', 'USPS', 'Royal Mail']
const CITIES = ['Denver', 'Leeds', 'Lyon', 'Osaka', 'Porto']

// Near-duplicates: the same reply, as another draft of the same answer would word it.
const NEAR = {
  whitespace: (t) => t.replace(/\. /, '.\n\n').replace(/ (\w+) /, '  $1  ').replace(/ and /, ' and   '),
  'case and punctuation': (t) => t.replace(/^(\w+) (\w+),/, '$1 $2!').replace(/\.$/, '!').replace(/ support\./, ' Support.'),
  synonyms: (t) => t.replace('thank you', 'thanks').replace('happy', 'glad').replace('sorry', 'so sorry').replace('details', 'info').replace('safe', 'secure').replace('receive', 'get'),
  'dropped filler': (t) => t.replace(/\bsimply |\bfull |\bnow |\bone |\bfree |\bprepaid /, ''),
  'invisible and typographic characters': (t) => t.replace(/ (\w)(\w+) /, ' $1\u200B$2 ').replace(/ /g, (s, i) => (i % 7 === 0 ? '\u00A0' : s)).replace(/'/g, '’'),
  'reordered sentence': (t) => {
    const sentences = t.match(/[^.!]+[.!]/g)
    return [sentences[0], sentences.at(-1).trim(), ...sentences.slice(1, -1).map((s) => s.trim())].join(' ')
  },
  'trailing sign-off': (t) => `${t} Best wishes.`,
}

// Traps that disguise a negation or a reversed answer, one per ticket in turn: the
// spellings the guard must read as what a reader sees.
const NEGATED = /\b(has|have|is) (been )?(approved|accepted|eligible|confirmed)/
// Each kind of ticket (k) gets another spelling of the same disguise.
const STRIKES = ['\u0336', '~~', '\u0335', '\u0337', '\u0338']
const strike = (word, k) => (STRIKES[k] === '~~' ? `~~${word}~~` : [...word].map((c) => c + STRIKES[k]).join(''))
const STAND_INS = ['n\u00B4t', 'n`t', ' n\u2019t', 'n\u02B9t', ' nt']
const SLANG = [(d) => `un-${d}`, (d) => `${d}... nope`, (d) => `${d}? Nah, negative`, (d) => `${d}? Nope`, (d) => `${d} (JK)`]
const decided = (tpl) => tpl.decision[0].split(' ').at(-1)
const DISGUISED = [
  ['negation without apostrophe', (t) => t.replace(NEGATED, '$1nt $2$3'), 2],
  ['apostrophe stand-in', (t, tpl, k) => t.replace(NEGATED, `$1${STAND_INS[k]} $2$3`), 2],
  ['flipped answer mark', (t, tpl) => t.replace(tpl.status[0], tpl.status[1]), 1],
  ['slang negation', (t, tpl, k) => t.replace(decided(tpl), SLANG[k](decided(tpl))), 2],
  ['struck decision', (t, tpl, k) => t.replace(decided(tpl), strike(decided(tpl), k)), 1],
]

function fill(text, v) {
  return text.replace(/\{(\w+)\}/g, (_, k) => String(v[k]))
}

const rows = []
Object.entries(TEMPLATES).forEach(([kind, tpl], k) => {
  for (let i = 0; i < 5; i++) {
    const n = k * 5 + i
    const v = {
      name: PEOPLE[n],
      company: COMPANIES[(n + 1) % 5],
      card: CARDS[(n + 2) % 5],
      carrier: CARRIERS[(n + 3) % 5],
      city: CITIES[(n + 4) % 5],
      order: 40000 + n * 137,
      amount: 20 + n * 7,
      days: 3 + (n % 6),
    }
    const id = `${kind}-${i + 1}`
    const source = fill(tpl.source, v)
    const reply = `${fill(tpl.reply, v)}\n${tpl.status[0]}.`
    const row = (variant, output, score, kindOf) => rows.push({ id: `${id}/${variant}`, ticket: id, source, kind: kindOf, variant, output, score })
    row('original', reply, 9, 'original')
    for (const [variant, change] of Object.entries(NEAR)) {
      const output = change(reply)
      if (output === reply) throw new Error(`${id}: the ${variant} variant changed nothing`)
      row(variant, output, 9, 'near-duplicate')
    }
    const trap = (variant, output, score) => {
      if (output === reply) throw new Error(`${id}: the ${variant} trap changed nothing`)
      row(variant, output, score, 'trap')
    }
    trap('changed number', `${fill(tpl.reply, { ...v, amount: v.amount + 5, days: v.days })}\n${tpl.status[0]}.`, 3)
    trap('negation', reply.replace(/\b(has|have|is) (been )?(approved|accepted|eligible|confirmed)/, '$1 not $2$3'), 2)
    trap('swapped name', `${fill(tpl.reply, { ...v, name: OTHERS[n] })}\n${tpl.status[0]}.`, 4)
    trap('reversed decision', reply.replace(tpl.decision[0], tpl.decision[1]), 1)
    trap('weaker promise', reply.replace(tpl.modal[0], tpl.modal[1]), 5)
    if (tpl.roles) {
      const [a, b] = tpl.roles
      trap('roles swapped at sentence starts', `${fill(tpl.reply, { ...v, [a]: v[b], [b]: v[a] })}\n${tpl.status[0]}.`, 3)
    } else {
      const [variant, disguise, score] = DISGUISED[i]
      trap(variant, disguise(reply, tpl, k), score)
    }
  }
})

// Replies whose verdict turns on one character a looser fold would drop: a negated sign, a
// minus written as a dash, accounting parentheses, a currency after the amount, a decimal
// comma, an accent, a number that is not a quantity, an operator in code, a per-mille sign or
// an emoticon. Each is a ticket of its own: the reply, a copy with other spacing and case
// (reused), and the trap (judged afresh).
const LITERAL = [
  ['negated sign', 'Refund status = approved. The amount is returned to your card within 5 days.', (t) => t.replace('=', '\u2260')],
  ['negated membership', 'Order 7781 \u2208 the refundable orders list, so the refund is on its way.', (t) => t.replace('\u2208', '\u2209')],
  ['dash minus', 'Your account balance is $50 after the adjustment we made today.', (t) => t.replace('$50', '\u2011$50')],
  ['accounting parentheses', 'Net income for the quarter: $50. The report is attached for your review.', (t) => t.replace('$50', '($50)')],
  ['postfix currency', 'Ihre Erstattung betr\u00E4gt 500 \u20AC und wird in 5 Tagen \u00FCberwiesen.', (t) => t.replace('\u20AC', '$')],
  ['decimal comma', 'Remboursement de 50,00 \u20AC accept\u00E9, vers\u00E9 sous 5 jours.', (t) => t.replace('50,00', '50 00')],
  ['accent', 'Die Erstattung wurde genehmigt. Vielen Dank f\u00FCr Ihre Geduld.', (t) => t.replace('wurde', 'w\u00FCrde')],
  ['address', 'Set the gateway to 192.168.1.1 and restart the router to finish.', (t) => t.replace('192.168.1.1 ', '192.168.1.10 ')],
  ['version', 'The tool requires Python 3.10 or later on every build machine.', (t) => t.replace('3.10', '3.1')],
  ['leading zero', 'The parcel goes to ZIP 02134 and arrives within 3 business days.', (t) => t.replace('02134', '2134')],
  ['operator', 'The area is computed as return w * h in the helper function.', (t) => t.replace('*', '/')],
  ['logical not', 'The check reads if (!user.isAdmin) deny() before the refund runs.', (t) => t.replace('!user', 'user')],
  ['per mille', 'The handling fee is 5 \u2030 of the order value for this card.', (t) => t.replace(' \u2030', '')],
  ['emoticon', 'Your refund request was reviewed by our team today :)', (t) => t.replace(':)', ':(')],
]
for (const [variant, reply, change] of LITERAL) {
  const ticket = `literal-${variant.replace(/ /g, '-')}`
  const row = (name, output, score, kind) => rows.push({ id: `${ticket}/${name}`, ticket, source: reply, kind, variant: name, output, score })
  row('original', reply, 9, 'original')
  row('whitespace', NEAR.whitespace(reply), 9, 'near-duplicate')
  const trapped = change(reply)
  if (trapped === reply) throw new Error(`${ticket}: the trap changed nothing`)
  row(variant, trapped, 2, 'trap')
}

const file = join(import.meta.dirname, '..', 'fixtures', 'datasets', 'support-replies.jsonl')
writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
console.log(`${rows.length} outputs (${rows.filter((r) => r.kind === 'near-duplicate').length} near-duplicates, ${rows.filter((r) => r.kind === 'trap').length} traps) written to ${file}`)
