// The semantic cache's guard folds spacing and two social phrases only inside plain prose:
// code, data and markup are compared exactly as written, since there a line break ends a
// comment, spaces make columns and a curly quote is no string delimiter.
import { describe, expect, test } from 'vitest'
import { isPlainProse, literalWords } from '../../src/judge/guard-words.js'
import { guard, outputFacts } from '../../src/judge/semantic-guard.js'

const refused = (a: string, b: string) => expect(guard(a, b)).toMatchObject({ agree: false })
const agreed = (a: string, b: string) => expect(guard(a, b)).toEqual({ agree: true })

describe('a line break after punctuation is kept where a comment or a line of data may end', () => {
  test.each([
    ['-- Clean up old rows:\nDROP TABLE orders;', '-- Clean up old rows: DROP TABLE orders;'],
    ['# Example usage:\nprint(add(2, 3))', '# Example usage: print(add(2, 3))'],
    ['// Enable the feature.\nenableFeature();', '// Enable the feature. enableFeature();'],
    ['# Set the flag.\nflag = True', '# Set the flag. flag = True'],
    ['// TODO: remove!\nchargeCard(user);', '// TODO: remove! chargeCard(user);'],
    ['# Why?\ndeleteAll()', '# Why? deleteAll()'],
    ['rm -rf build; # done,\nmake install', 'rm -rf build; # done, make install'],
    ['if x: return 1', 'if x:\nreturn 1'],
    ['refund:\napproved: true', 'refund: approved: true'],
    ['x = 1,\ny = 2', 'x = 1, y = 2'],
    ['id,name,note,\n1,Ann,', 'id,name,note, 1,Ann,'],
    ['<!-- note: -->\n', '<!-- note: -->'],
    ['Status:\n\n    approved', 'Status: approved'],
    ['-- Keep the real orders; remove the test rows first:\nDELETE FROM orders WHERE test = true;', '-- Keep the real orders; remove the test rows first: DELETE FROM orders WHERE test = true;'],
    // Prose-looking lines of data: a break beside a `key: value` line is kept.
    ['note: Done.\nStatus: Shipped.', 'note: Done. Status: Shipped.'],
    // A Ruby bang method closing a line, then a constant.
    ['user.save!\nLogger.info', 'user.save! Logger.info'],
    // A comment keyword or sign in the middle of a line swallows the rest of it.
    ['Refund approved. % check later.\nShipping denied.', 'Refund approved. % check later. Shipping denied.'],
    ['echo Done. & REM Clean up.\nDel Files', 'echo Done. & REM Clean up. Del Files'],
    // A break after a comma, colon or semicolon is never folded, even in prose.
    ['Dear Ann,\nYour refund is approved.', 'Dear Ann, Your refund is approved.'],
    ['Here is the answer:\nYour refund is approved.', 'Here is the answer: Your refund is approved.'],
  ])('%j / %j', refused)
})

describe('curly quotes are compared as written', () => {
  test.each([
    ['{\u201Cstatus\u201D: \u201Capproved\u201D}', '{"status": "approved"}'],
    ['print(\u201CRefund approved\u201D)', 'print("Refund approved")'],
    ['const s = \u2018ok\u2019;', "const s = 'ok';"],
    ['{\u201Crefund\u201D: \u201Capproved\u201D, \u201Camount\u201D: 40}', '{"refund": "approved", "amount": 40}'],
    ['He is 5\u201910\u201D tall.', 'He is 5\'10" tall.'],
    ['It\u2019s approved.', "It's approved."],
    ['\u2018approved\u2019', '\u2019approved\u2018'],
    ['He said \u201Capproved\u201D.', 'He said \u201Dapproved\u201C.'],
    ["You can't return it.", 'You can\u2019t return it.'],
  ])('%j / %j', refused)
})

describe('an exclamation mark is not a full stop', () => {
  test.each([
    ['The number of orderings is n!', 'The number of orderings is n.'],
    ['The answer is k! ways.', 'The answer is k. ways.'],
    ['Your temporary password is BlueSky!', 'Your temporary password is BlueSky.'],
    ['Search it on Yahoo!', 'Search it on Yahoo.'],
    ['Use user! here', 'Use user. here'],
    ['Refund approved!', 'Refund approved.'],
    ['The number of ways to order n distinct items is n!', 'The number of ways to order n distinct items is n.'],
  ])('%j / %j', refused)
})

describe('no rewording stands for a technical term', () => {
  test.each([
    ['Secure Boot must be disabled before installing Linux.', 'Safe Boot must be disabled before installing Linux.'],
    ['Turn off secure boot in the firmware settings.', 'Turn off safe boot in the firmware settings.'],
    ['Restart the phone in safe mode.', 'Restart the phone in secure mode.'],
    ['In the Python shell, type help() to open the manual.', 'In the Python shell, type assist() to open the manual.'],
    ['Then call get() on the queue.', 'Then call receive() on the queue.'],
    ['openapi: 3.0.0\ninfo:\n  title: Orders', 'openapi: 3.0.0\ndetails:\n  title: Orders'],
    ['Open the info tab to see the refund.', 'Open the details tab to see the refund.'],
    ['Run git help to list commands.', 'Run git assist to list commands.'],
    ['Run make help to list targets.', 'Run make assist to list targets.'],
    ['Run brew info wget.', 'Run brew details wget.'],
    ['Do you get it?', 'Do you receive it?'],
    ['We get it.', 'We receive it.'],
    ['I am not happy with it.', 'I am not delighted with it.'],
    ['We are not happy to do it.', 'We are not glad to do it.'],
    ['SAFE', 'secure'],
    ['happy', 'Happy'],
    ['Use get_ here', 'Use receive_ here'],
    ['Happy Valley is closed today.', 'Glad Valley is closed today.'],
    ['Glad to help!', 'Happy to assist.'],
    ['Your info is safe.', 'Your information is secure.'],
    ['The refund is not safe to process.', 'The refund is not secure to process.'],
    ['Thank you', 'thanks'],
    ['I want to thank you all.', 'I want to thanks all.'],
    ['THANK YOU for waiting.', 'Thanks for waiting.'],
    ['We are delighted to help.', 'We are happy to help.'],
  ])('%j / %j', refused)
})

describe('nothing closing the text is dropped as a sign-off', () => {
  test.each([
    ['He apologised sincerely.', 'He apologised'],
    ['He apologised, but not sincerely', 'He apologised, but not'],
    ['Dear Ann,\nYour refund is approved.\nKind regards', 'Dear Ann,\nYour refund is approved.'],
    ['The crowd gave three cheers', 'The crowd gave three'],
    ['closing: Best regards', 'closing:'],
    ['Refund approved.\nbest\nwishes', 'Refund approved.'],
    ['Refund approved. cheers!!', 'Refund approved.'],
    ['Sincerely', 'Cheers'],
    ['Cheers!', ''],
    ['Kind regards', 'Best wishes'],
    ['In Britain the usual toast is cheers.', 'In Britain the usual toast is'],
    ['Yes, sincerely.', 'Yes,'],
    ['Your refund is approved.', 'Your refund is approved. Best wishes.'],
  ])('%j / %j', refused)
})

describe('spaces inside a line are kept where they can carry structure', () => {
  test.each([
    ['Item     Refund   Fee\nBoots    $50\nLaces             $5', 'Item     Refund   Fee\nBoots             $50\nLaces    $5'],
    ['id\tname\n1\tAnn Lee', 'id name\n1 Ann Lee'],
    ['print("a  b")', 'print("a b")'],
    ['a\n\nb', 'a\nb'],
    ['Refund approved.  \nShipping denied.', 'Refund approved.\nShipping denied.'],
    ['Item: refund\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |', 'Item: refund\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |'],
    ['if x:\n\treturn 1', 'if x:\n    return 1'],
    ['if ok:\n    refund()\nnotify()', 'if ok:\n    refund()\n    notify()'],
    ['Refund approved.   Shipping denied.', 'Refund approved. Shipping denied.'],
    ['Thank\n you for writing.', 'Thank you for writing.'],
    ['Refund approved.\n\n\nShipping denied.', 'Refund approved. Shipping denied.'],
    ['Refund approved.\n- Shipping denied.', 'Refund approved. - Shipping denied.'],
  ])('%j / %j', refused)
})

describe('invisible characters and line separators are kept inside words and in code', () => {
  test.each([
    ['if (is\u200BAdmin) refund()', 'if (isAdmin) refund()'],
    ['return\uFEFFvalue', 'returnvalue'],
    ['x = 1  # note\u2028y = 2', 'x = 1  # note\ny = 2'],
    ['e\u200B\u0301', '\u00E9'],
    ['The fee is 1\u200B000 USD.', 'The fee is 1000 USD.'],
    ['Refund\u00ADable', 'Refundable'],
    ['not\u2060approved', 'notapproved'],
    ['no\u200Bt approved', 'not approved'],
    ['Refund approved.', 'Refund app\u200Broved.'],
    ['Refund approved.', 'Refund approved\u2060.'],
    ['approved\u200C', 'approved'],
    ['approved\u200E', 'approved'],
    ['\u202Eapproved', 'approved'],
    ['approved\uFE0F', 'approved'],
    ['5\u1680000', '5 000'],
    ['approved\u3000now', 'approved now'],
    ['\u200BREM x', 'REM x'],
    // A byte-order mark is a space to some readers, but not beside another hint inside a word.
    ['a\uFEFF\u200Bb', 'a\uFEFFb'],
    ['Refund approved.\u2029Shipping denied.', 'Refund approved. Shipping denied.'],
  ])('%j / %j', refused)
})

describe('plain prose still agrees across spacing between words', () => {
  test.each([
    ['two spaces between words', 'Your refund is approved.', 'Your  refund is  approved.'],
    ['two spaces after a full stop', 'Refund approved. Shipping denied.', 'Refund approved.  Shipping denied.'],
    ['a no-break space', 'Your refund of $40 is approved.', 'Your refund of\u00A0$40 is approved.'],
    ['a break hint beside a space', 'Refund approved. Thanks.', 'Refund approved.\u200B Thanks.'],
    ['a byte-order mark opening the text', 'Refund approved.', '\uFEFFRefund approved.'],
    ['a run of hints before a space', 'Refund approved. Thanks.', 'Refund approved.\u200B\uFEFF\u00AD Thanks.'],
  ])('%s', (_name, a, b) => agreed(a, b))
})

// Each of these once read as one: a rubric about lines (a poem, a commit message), about
// exact wording (a formal register, "reply in two words"), or two commands on two lines of a
// language that reads as prose (PowerShell, cmd) tells them apart.
describe('line breaks and wording are kept, even in plain prose', () => {
  test.each([
    ['a line break after a full stop', 'Refund approved. Shipping denied.', 'Refund approved.\nShipping denied.'],
    ['a paragraph break after a full stop', 'Refund approved. Shipping denied.', 'Refund approved.\n\nShipping denied.'],
    ['a paragraph break after a question', 'Is it approved? Yes, it is.', 'Is it approved?\n\nYes, it is.'],
    ['two PowerShell commands and one', 'Write-Host Removing the old build.\nRemove-Item build -Recurse -Force', 'Write-Host Removing the old build. Remove-Item build -Recurse -Force'],
    ['a haiku and its one line', 'The moon is bright.\nThe river sleeps.\nA frog jumps in.', 'The moon is bright. The river sleeps. A frog jumps in.'],
    ['thank you / thanks', 'Thank you for writing. Your refund is approved.', 'Thanks for writing. Your refund is approved.'],
    ['thank you / thanks, two words', 'Thank you.', 'Thanks.'],
    ['happy / glad to', 'We are happy to help.', 'We are glad to help.'],
    ['happy / pleased to, opening a sentence', 'Refund approved. Happy to help.', 'Refund approved. Pleased to help.'],
  ])('%s', (_name, a, b) => refused(a, b))
})

describe('what counts as plain prose', () => {
  test.each([
    'Your refund of $40 (order A-1234) was approved on March 5. Thank you!',
    "It's approved, and we'll ship it today.",
    'A 5% fee applies to R&D orders. Remove the item first.',
    'Remboursement de 50,00 \u20AC.',
    'Refund approved: Y.\nShipping: N.',
  ])('%j is prose', (text) => expect(isPlainProse(text)).toBe(true))

  test.each([
    ['a fence', '```\nok\n```'],
    ['indentation', 'Refund:\n  approved'],
    ['a leading space', ' Refund approved.'],
    ['a call', 'Run help() now.'],
    ['empty brackets', 'Run help ( ) now.'],
    ['an SQL comment', 'Done -- really.'],
    ['a REM line', 'Done.\nREM delete the rest'],
    ['a REM after a command', 'echo Done. & REM Clean up.'],
    ['a TeX comment', 'Refund approved. % check later.'],
    ['a lone ampersand', 'make && make install'],
    ['a quote standing as a delimiter', "Use 'ok' here."],
    ['a possessive plural', "The customers' orders shipped."],
    ['a dotted name', 'Call user.save now.'],
    ['a lone negation', 'if ! grep -q x f then refund'],
    ['a CSV row', 'Ann,Refund approved.'],
    ['columns', 'Item   Fee'],
    ['a tab', 'Item\tFee'],
    ['a curly apostrophe', 'It\u2019s approved.'],
    ['a line separator', 'Refund approved.\u2028Thanks.'],
    ['a list item', 'Refund approved.\n- Shipping denied.'],
  ])('%s is not prose', (_name, text) => expect(isPlainProse(text)).toBe(false))

  test('a text that is not prose is compared exactly as written, and never equals a prose text', () => {
    expect(literalWords('if x:\n    return 1')).toEqual(['as written:', 'if', 'x:\n', '', '', '', 'return', '1'])
    expect(literalWords('x = 1\r\ny = 2')).toEqual(['as written:', 'x', '=', '1\ny', '=', '2'])
    expect(literalWords('Thank you,  the total is $50.')).toEqual(['Thank', 'you,', 'the', 'total', 'is', '$50.'])
    refused('REM', '\u200BREM')
    refused('x {', 'as written: x {')
  })

  test('the other facts are read from the text as before', () => {
    expect(outputFacts('{\u201Crefund\u201D: \u201Capproved\u201D}').polarity).toEqual(['approve'])
  })
})
