// The report page's script. The page carries results.json (and each test's outcomes over
// the run history) gzipped and base64-encoded in a data block (5,000 judged tests would be several MB of markup otherwise); this script
// unpacks it and builds the test list, and each test's details when it is first opened.
// Every string from the data goes into the page through text nodes (createTextNode,
// textContent), never through markup, so test names and LLM output cannot become elements.
// Plain ES2020 in a raw string: no backticks or "${" inside.
export const SCRIPT = String.raw`
(function () {
  'use strict'
  var BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
  var BIDI_SPLIT = /([\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069])/
  var LINKS = null
  var BADGE = { passed: '\u2713', failed: '\u2717', skipped: '\u2193', todo: '\u2026' }
  // Text, with bidi controls shown as visible marks instead of being applied.
  function put(e, s) {
    if (!BIDI.test(s)) { e.appendChild(document.createTextNode(s)); return }
    s.split(BIDI_SPLIT).forEach(function (part, i) {
      if (i % 2) {
        var m = document.createElement('span')
        m.className = 'cc'
        m.textContent = 'U+' + part.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
        e.appendChild(m)
      } else if (part) e.appendChild(document.createTextNode(part))
    })
  }
  function add(parent, tag, cls, text) {
    var e = document.createElement(tag)
    if (cls) e.className = cls
    if (text !== undefined && text !== null) put(e, String(text))
    parent.appendChild(e)
    return e
  }
  function num(n) { return Number.isInteger(n) ? String(n) : n.toFixed(2) }
  function money(n) { return n === null || n === undefined ? '\u2013' : '$' + (n > 0 && n < 0.01 ? n.toFixed(6) : n.toFixed(4)) }
  // Durations differ between runs of the same suite; class "t" marks them.
  function time(parent, ms) { return add(parent, 'span', 't', ms === null || ms === undefined ? '\u2013' : ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(2) + ' s') }
  function chips(parent, label, values, cls) {
    if (!values.length) return
    var d = add(parent, 'div', 'chips')
    add(d, 'span', 'k', label)
    values.forEach(function (v) { add(d, 'span', 'chip' + (cls || ''), v) })
  }
  function judge(parent, j) {
    var d = add(parent, 'div', 'judge')
    if (j.semanticCache) {
      var l = j.semanticCache
      add(d, 'p', 'lookup', 'semantic cache look-up ' + (l.replayed ? 'replayed' : 'live, ' + l.requests + (l.requests === 1 ? ' request' : ' requests')) + ' \u00b7 ' + l.tokens + ' tokens \u00b7 ' + money(l.cost))
    }
    if (j.error !== undefined) {
      add(d, 'p', null, 'No verdict' + (j.cassetteMiss ? ' (no recorded answer in the cassette)' : '') + ':')
      add(d, 'pre', 'err', j.error)
      return
    }
    var lo = j.scale ? j.scale[0] : 0
    var hi = j.scale ? j.scale[1] : 10
    var s = add(d, 'div', 'score')
    var m = add(s, 'meter')
    m.min = lo; m.max = hi; m.low = j.threshold; m.optimum = hi; m.value = j.score
    add(s, 'b', null, num(j.score))
    add(s, 'span', null, '/ ' + hi)
    var facts = [
      'threshold ' + num(j.threshold) + (j.every ? ' (every criterion)' : ''),
      'model ' + (j.model || '?') + (j.fallback ? ' (fallback ' + j.fallback + ')' : ''),
      j.replayed ? 'replayed' : 'live, ' + j.requests + (j.requests === 1 ? ' request' : ' requests'),
      j.samples.length > 1 ? 'samples ' + j.samples.map(num).join(', ') + ' (spread ' + num(j.spread || 0) + ')' : '1 sample',
      j.tokens + ' tokens',
      money(j.cost),
    ]
    time(add(s, 'span', 'sum', facts.join(' \u00b7 ') + ' \u00b7 '), j.latencyMs)
    if (j.reusedFrom) {
      add(d, 'p', 'reused', 'Verdict reused by the semantic cache from a near-duplicate output (similarity ' + j.reusedFrom.similarity.toFixed(3) + ', cassette key ' + j.reusedFrom.key + (j.reusedFrom.calls ? ', ' + j.reusedFrom.calls + (j.reusedFrom.calls === 1 ? ' judge call' : ' judge calls') + ' saved' : '') + '):')
      add(d, 'pre', 'reused-from', j.reusedFrom.output)
    }
    var t = add(d, 'table', 'crit')
    var h = add(add(t, 'thead'), 'tr')
    ;['Criterion', 'Score', 'Reasoning'].forEach(function (x) { add(h, 'th', null, x) })
    var b = add(t, 'tbody')
    j.criteria.forEach(function (c) {
      var r = add(b, 'tr', c.score >= j.threshold ? 'ok' : 'fail')
      var n = add(r, 'td', null, c.name)
      if (c.description) { add(n, 'br'); add(n, 'span', 'sub', c.description) }
      add(r, 'td', 'n', num(c.score))
      add(r, 'td', null, c.reasoning)
    })
  }
  // The judge's claims of the output, each with its verdict against the source and the reason.
  function faithfulness(parent, f) {
    var d = add(parent, 'div', 'judge')
    if (f.error !== undefined) {
      add(d, 'p', null, 'No verdict' + (f.cassetteMiss ? ' (no recorded answer in the cassette)' : '') + ':')
      add(d, 'pre', 'err', f.error)
      return
    }
    var held = f.claims.filter(function (c) { return c.verdict === 'supported' }).length
    var facts = [
      held + ' of ' + f.claims.length + ' claims supported',
      'model ' + (f.model || '?') + (f.fallback ? ' (fallback ' + f.fallback + ')' : ''),
      f.replayed ? 'replayed' : 'live, ' + f.requests + (f.requests === 1 ? ' request' : ' requests'),
      f.tokens + ' tokens',
      money(f.cost),
    ]
    time(add(add(d, 'div', 'score'), 'span', 'sum', facts.join(' \u00b7 ') + ' \u00b7 '), f.latencyMs)
    var t = add(d, 'table', 'crit claims')
    var h = add(add(t, 'thead'), 'tr')
    ;['Claim', 'Verdict', 'Reason'].forEach(function (x) { add(h, 'th', null, x) })
    var b = add(t, 'tbody')
    f.claims.forEach(function (c) {
      var r = add(b, 'tr', c.verdict === 'supported' ? 'ok' : 'fail')
      add(r, 'td', null, c.claim)
      add(r, 'td', 'v-' + c.verdict, c.verdict)
      add(r, 'td', null, c.reason)
    })
  }

  // A similarity assertion: the similarity on a meter against its threshold, or why there is none.
  function similarity(parent, x) {
    var d = add(parent, 'div', 'judge similarity')
    if (x.error !== undefined) {
      add(d, 'p', null, 'No similarity' + (x.cassetteMiss ? ' (no recorded vector in the cassette)' : '') + ':')
      add(d, 'pre', 'err', x.error)
      return
    }
    var s = add(d, 'div', 'score')
    var m = add(s, 'meter')
    m.min = 0; m.max = 1; m.low = x.threshold; m.optimum = 1; m.value = Math.max(0, x.similarity)
    add(s, 'b', null, x.similarity.toFixed(4))
    var facts = ['similarity, threshold ' + x.threshold, 'model ' + x.model, x.replayed ? 'replayed' : 'live, ' + x.requests + (x.requests === 1 ? ' request' : ' requests'), x.tokens + ' tokens', money(x.cost)]
    time(add(s, 'span', 'sum', facts.join(' \u00b7 ') + ' \u00b7 '), x.latencyMs)
  }
  function diff(parent, patch) {
    var pre = add(parent, 'pre', 'diff')
    patch.split('\n').forEach(function (l, i) {
      if (i) pre.appendChild(document.createTextNode('\n'))
      var cls = l.indexOf('@@') === 0 ? 'd-hunk' : l[0] === '+' && l.indexOf('+++') !== 0 ? 'd-add' : l[0] === '-' && l.indexOf('---') !== 0 ? 'd-del' : ''
      if (cls) add(pre, 'span', cls, l)
      else put(pre, l)
    })
  }
  // A failed assertion's place: a link to its file (relative to this page) and one that
  // opens the line in VS Code. Each path segment is percent-encoded, so no file name can
  // make either link anything but a relative file link or a vscode:// link.
  function where(parent, file, loc) {
    var span = add(parent, 'span', 'where')
    if (!LINKS) { add(span, 'span', 'sub', file + ':' + loc.line + ':' + loc.column); return }
    var path = file.split('/').map(encodeURIComponent).join('/')
    var rel = add(span, 'a', 'src', file + ':' + loc.line + ':' + loc.column)
    rel.href = (LINKS.fromPage ? LINKS.fromPage.split('/').map(encodeURIComponent).join('/') + '/' : './') + path
    var abs = (LINKS.root.charAt(0) === '/' ? '' : '/') + LINKS.root.split('/').map(encodeURIComponent).join('/')
    var code = add(span, 'a', 'src', 'open in VS Code')
    code.href = 'vscode://file' + abs + '/' + path + ':' + loc.line + ':' + loc.column
  }
  // The badges of a collapsed row: each assertion's matcher, failed ones marked, and a
  // judged one's score against its threshold.
  function badges(parent, t) {
    var shown = t.assertions.slice(0, 8)
    shown.forEach(function (a) {
      var text = (a.negated ? 'not.' : '') + a.matcher
      if (a.judge) text += ' ' + (a.judge.score === undefined ? 'no verdict' : num(a.judge.score) + ' / \u2265' + num(a.judge.threshold))
      if (a.faithfulness) text += ' ' + (a.faithfulness.error !== undefined ? 'no verdict' : a.faithfulness.claims.filter(function (c) { return c.verdict === 'supported' }).length + ' / ' + a.faithfulness.claims.length + ' supported')
      if (a.similarity) text += ' ' + (a.similarity.similarity === undefined ? 'no similarity' : a.similarity.similarity.toFixed(2) + ' / ' + (a.negated ? '<' : '\u2265') + a.similarity.threshold)
      add(parent, 'span', 'mb' + (a.pass ? '' : ' fail'), (a.pass ? '' : '\u2717 ') + text)
    })
    if (t.assertions.length > shown.length) add(parent, 'span', 'mb', '+' + (t.assertions.length - shown.length))
  }
  function assertion(parent, a, file) {
    var li = add(parent, 'li', 'a ' + (a.pass ? 'ok' : 'fail'))
    var h = add(li, 'div', 'h')
    add(h, 'code', null, (a.negated ? '.not.' : '') + a.matcher)
    add(h, 'span', 'verdict', a.pass ? 'passed' : 'failed')
    if (a.location) where(h, file, a.location)
    if (a.summary) add(h, 'span', 'sum', a.summary)
    if (a.judge) judge(li, a.judge)
    if (a.faithfulness) faithfulness(li, a.faithfulness)
    if (a.similarity) similarity(li, a.similarity)
    if (a.entities) { chips(li, 'Kept', a.entities.kept); chips(li, 'Missing', a.entities.missing, ' miss') }
    if (a.numbers) {
      if (a.numbers.invented.length) chips(li, 'Invented numbers', a.numbers.invented, ' miss')
      else { var c = add(li, 'div', 'chips'); add(c, 'span', 'k', 'Invented numbers'); add(c, 'span', null, 'none of ' + a.numbers.checked) }
    }
    if (a.drift) {
      var d = add(li, 'div', 'chips')
      add(d, 'span', 'k', 'Baseline')
      add(d, 'span', null, a.drift.baseline + ' \u00b7 ' + a.drift.status)
      if (a.drift.changes.length) { var ul = add(li, 'ul', 'changes'); a.drift.changes.forEach(function (x) { add(ul, 'li', null, x) }) }
      if (a.drift.diff) diff(li, a.drift.diff)
    }
    // The message says again what the structured view shows; it stands alone only for matchers without one.
    if (!a.pass && a.message && !a.judge && !a.faithfulness && !a.entities && !a.numbers && !a.drift) add(li, 'pre', 'msg', a.message)
  }
  function calls(parent, list) {
    if (!list.length) return
    var t = add(parent, 'table', 'calls')
    var h = add(add(t, 'thead'), 'tr')
    ;['App LLM call', 'URL', 'Status', '', 'Tokens', 'Cost', 'Latency'].forEach(function (x) { add(h, 'th', null, x) })
    var b = add(t, 'tbody')
    list.forEach(function (c) {
      var r = add(b, 'tr')
      add(r, 'td', null, c.model || '?')
      add(r, 'td', null, c.url)
      add(r, 'td', 'n', c.status)
      add(r, 'td', null, c.replayed ? 'replayed' : 'live')
      add(r, 'td', 'n', c.tokens === null ? '\u2013' : c.tokens)
      add(r, 'td', 'n', money(c.cost))
      time(add(r, 'td', 'n'), c.latencyMs)
    })
  }
  function details(el, t, file) {
    // A failed assertion's message is shown with the assertion; the runner's copy is not repeated.
    var shown = t.assertions.filter(function (a) { return a.message }).map(function (a) { return a.message })
    var b = add(el, 'div', 'body')
    t.errors.forEach(function (e) { if (!shown.some(function (m) { return e.indexOf(m) >= 0 })) add(b, 'pre', 'err', e) })
    if (t.assertions.length) { var ol = add(b, 'ol', 'assertions'); t.assertions.forEach(function (a) { assertion(ol, a, file) }) }
    calls(b, t.llmCalls)
    if (!b.childNodes.length) add(b, 'span', 'sum', 'No assay assertions.')
  }
  function build(item) {
    item.built = true
    details(item.el, item.test, item.file)
    if (item.runs) history(item.el.lastChild, item.runs, item.flips)
  }
  function haystack(item) {
    if (item.hay !== null) return item.hay
    var t = item.test
    var parts = [item.file, t.titles.join(' \u203a ')].concat(t.errors)
    t.assertions.forEach(function (a) {
      parts.push(a.matcher, a.summary || '', a.message || '')
      if (a.entities) parts.push(a.entities.kept.join(' '), a.entities.missing.join(' '))
      if (a.numbers) parts.push(a.numbers.invented.join(' '))
      if (a.drift) parts.push(a.drift.baseline, a.drift.changes.join(' '))
      if (a.similarity) parts.push(a.similarity.model, a.similarity.error || '')
      if (a.judge) {
        parts.push(a.judge.model || '', a.judge.error || '')
        a.judge.criteria.forEach(function (c) { parts.push(c.name, c.reasoning) })
      }
      if (a.faithfulness) {
        parts.push(a.faithfulness.model || '', a.faithfulness.error || '')
        a.faithfulness.claims.forEach(function (c) { parts.push(c.claim, c.verdict, c.reason) })
      }
    })
    t.llmCalls.forEach(function (c) { parts.push(c.model || '', c.url) })
    item.hay = parts.join('\n').toLowerCase()
    return item.hay
  }

  // One letter per run (p, f, s, t), oldest first, for tests seen in earlier runs; "|"
  // where the test file changed. Flakiness is decided by the reporter (flips since the
  // last change); this shows it.
  function history(parent, runs, flips) {
    var all = runs.replace(/\|/g, '')
    var ran = all.replace(/[st]/g, '')
    var passed = ran.replace(/f/g, '').length
    var d = add(parent, 'div', 'chips')
    add(d, 'span', 'k', 'History')
    add(d, 'span', null, 'passed ' + passed + ' of ' + ran.length + ' runs' + (all.length > ran.length ? ' (skipped in ' + (all.length - ran.length) + ')' : '') + ', oldest first: ' + runs.split('').map(function (c) { return c === 'p' ? '✓' : c === 'f' ? '✗' : c === '|' ? ' | ' : '·' }).join('') + (runs.indexOf('|') >= 0 ? ' (| marks a change of the test file)' : '') + (flips ? '; the outcome flipped ' + flips + ' times with the test unchanged' : ''))
  }

  function start(data) {
    var results = data.results
    var trend = data.trend
    var flaky = data.flaky || {}
    LINKS = data.links || null
    var main = document.getElementById('files')
    main.textContent = ''
    var items = []
    var sections = []
    results.files.forEach(function (f) {
      var section = add(main, 'section', 'file')
      section.setAttribute('data-file', f.path)
      var box = add(section, 'details')
      box.open = true
      var failed = f.tests.filter(function (t) { return t.state === 'failed' }).length
      var s = add(box, 'summary', null, f.path)
      add(s, 'span', 'counts', f.tests.length + (f.tests.length === 1 ? ' test' : ' tests') + (failed ? ', ' + failed + ' failed' : ''))
      f.errors.forEach(function (e) { add(box, 'pre', 'err', e) })
      f.stores.forEach(function (st) {
        if (!st.obsolete.length && !st.pruned && !st.written && !st.updated) return
        var c = add(box, 'div', 'chips')
        add(c, 'span', 'k', st.kind)
        add(c, 'span', null, st.path + ': ' + st.written + ' written, ' + st.updated + ' updated, ' + st.obsolete.length + ' obsolete, ' + st.pruned + ' pruned')
      })
      var own = []
      f.tests.forEach(function (t) {
        var el = add(box, 'details', 'test s-' + t.state)
        var matchers = []
        t.assertions.forEach(function (a) { if (matchers.indexOf(a.matcher) < 0) matchers.push(a.matcher) })
        el.setAttribute('data-m', matchers.join(' '))
        var sum = add(el, 'summary')
        add(sum, 'span', 'badge', BADGE[t.state])
        add(sum, 'span', 'name', t.titles.join(' \u203a '))
        var key = [f.path].concat(t.titles).join(' › ')
        var runs = trend[key]
        var flips = flaky[key] || 0
        if (t.assertions.length) badges(add(sum, 'span', 'mbs'), t)
        if (flips) add(sum, 'span', 'flaky', 'flaky: ' + flips + ' flips')
        if (t.durationMs !== null) time(sum, t.durationMs)
        var item = { el: el, test: t, file: f.path, runs: runs, flips: flips, matchers: ' ' + matchers.join(' ') + ' ', hay: null, built: false }
        el.addEventListener('toggle', function () {
          if (el.open && !item.built) build(item)
        })
        if (t.state === 'failed') { build(item); el.open = true }
        items.push(item)
        own.push(item)
      })
      sections.push({ el: section, path: f.path, items: own })
    })

    var failedOnly = document.getElementById('f-failed')
    var matcher = document.getElementById('f-matcher')
    var file = document.getElementById('f-file')
    var query = document.getElementById('q')
    var shown = document.getElementById('shown')
    function apply() {
      var q = query.value.trim().toLowerCase()
      var m = matcher.value
      var f = file.value
      var visible = 0
      sections.forEach(function (section) {
        var any = false
        section.items.forEach(function (item) {
          var show = (!f || section.path === f) &&
            (!failedOnly.checked || item.test.state === 'failed') &&
            (!m || item.matchers.indexOf(' ' + m + ' ') >= 0) &&
            (!q || haystack(item).indexOf(q) >= 0)
          item.el.hidden = !show
          if (show) { any = true; visible++ }
        })
        section.el.hidden = !any
      })
      shown.textContent = visible + ' of ' + items.length + ' tests shown'
    }
    var timer
    query.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 120) })
    failedOnly.addEventListener('change', apply)
    matcher.addEventListener('change', apply)
    file.addEventListener('change', apply)
    function setAll(open) {
      sections.forEach(function (section) {
        if (section.el.hidden) return
        section.el.firstChild.open = open
        section.items.forEach(function (item) {
          if (item.el.hidden) return
          if (open && !item.built) build(item)
          item.el.open = open
        })
      })
    }
    document.getElementById('expand').addEventListener('click', function () { setAll(true) })
    document.getElementById('collapse').addEventListener('click', function () { setAll(false) })
    apply()
    document.body.setAttribute('data-ready', '1')
  }

  function fail(message) {
    var main = document.getElementById('files')
    main.textContent = ''
    add(main, 'pre', 'err', message)
    document.body.setAttribute('data-ready', 'error')
  }
  if (typeof DecompressionStream !== 'function') {
    fail('This report needs a browser with DecompressionStream (Chrome 80+, Firefox 113+, Safari 16.4+). results.json beside this page holds the same data.')
    return
  }
  var packed = atob(document.getElementById('assay-data').textContent.trim())
  var bytes = new Uint8Array(packed.length)
  for (var i = 0; i < packed.length; i++) bytes[i] = packed.charCodeAt(i)
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
    .then(function (text) {
      performance.mark('assay-unpacked')
      var results = JSON.parse(text)
      performance.mark('assay-parsed')
      start(results)
      performance.mark('assay-ready')
    })
    .catch(function (e) { fail('Could not read the report data: ' + e.message) })
})()
`
