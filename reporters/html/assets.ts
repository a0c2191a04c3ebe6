// The report page's stylesheet. It is inlined into index.html and allowed by its SHA-256
// hash in the page's Content-Security-Policy, as the script (client.ts) is.

export const STYLE = `
:root{--fg:#1d2330;--muted:#5b6476;--line:#dde1e8;--bg:#f6f7f9;--card:#fff;--pass:#167a3e;--fail:#c0262d;--skip:#8a6d00;--accent:#3553c9}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header,nav,main,#trends{max-width:1200px;margin:0 auto;padding:12px 20px}
#comparison,#versions{max-width:1200px;margin:0 auto;padding:12px 20px}#versions h2{font-size:15px;margin:4px 0}#versions h3{font-size:14px;margin:10px 0 4px}#versions .t{color:var(--muted);font-weight:400}#versions .method{color:var(--muted);margin:4px 0;font-size:12px}#comparison h2{font-size:15px;margin:4px 0}#comparison .decision{font-weight:600;margin:4px 0}#comparison.cmp-fail .decision{color:var(--fail)}#comparison.cmp-pass .decision{color:var(--pass)}#comparison .method{color:var(--muted);margin:0 0 6px;font-size:12px}.cmp{background:var(--card);table-layout:auto}.cmp .v-bad{color:var(--fail);font-weight:600}.cmp .v-good{color:var(--pass);font-weight:600}.cmp-list summary{cursor:pointer;margin:4px 0}.cmp-list ul,.cmp-budgets{margin:2px 0 6px;padding-left:20px}
h1{font-size:20px;margin:8px 0 2px}
.meta{color:var(--muted);margin:0 0 10px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(132px,1fr));gap:8px;margin:0}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.tile dt{color:var(--muted);font-size:12px}
.tile dd{margin:0;font-size:18px;font-weight:600}
.tile.pass dd{color:var(--pass)}.tile.fail dd{color:var(--fail)}.tile.skip dd{color:var(--skip)}
#trends{display:flex;gap:12px;flex-wrap:wrap}
.chart{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.chart h2{font-size:12px;color:var(--muted);margin:0 0 4px;font-weight:500}
.chart svg{display:block}
.chart polyline{fill:none;stroke:var(--accent);stroke-width:2}
.chart circle{fill:var(--accent)}
.chart circle.now{fill:var(--fg)}
.chart p{margin:0;color:var(--muted);font-size:12px}
.chart p b{color:var(--fg)}
.chart .axis{fill:none;stroke:var(--line);stroke-width:1}
.chart text{font-size:10px;fill:var(--muted);text-anchor:end}
.chart text.runs{text-anchor:start}.chart text.runs.end{text-anchor:end}
.chart p.one{margin:8px 0}
#trends .scope{flex-basis:100%;margin:0;color:var(--muted);font-size:12px}
.partial{background:#fff4d6;border:1px solid #e5c66b;border-radius:8px;padding:8px 12px;font-weight:600;margin:0 0 10px}
.mbs{display:flex;gap:4px;flex-wrap:wrap;justify-content:flex-end;max-width:55%}
.mb{font-size:11px;border-radius:8px;padding:0 6px;background:#e7f4ec;color:var(--pass);white-space:nowrap}
.mb.fail{background:#fbe9ea;color:var(--fail);font-weight:600}
.where{display:inline-flex;gap:8px;font-size:12px}
.where a{color:var(--accent)}
nav{position:sticky;top:0;background:var(--bg);border-bottom:1px solid var(--line);display:flex;gap:10px;flex-wrap:wrap;align-items:center;z-index:1}
nav input[type=search]{flex:1;min-width:200px;padding:5px 8px;border:1px solid var(--line);border-radius:6px}
nav select,nav button{padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg)}
#shown{color:var(--muted);font-size:12px}
.file{margin:10px 0;background:var(--card);border:1px solid var(--line);border-radius:8px;content-visibility:auto;contain-intrinsic-size:auto 600px}
.file>summary{padding:8px 12px;font-weight:600;cursor:pointer;overflow-wrap:anywhere}
.changes{margin:4px 0;padding-left:20px;overflow-wrap:anywhere}
nav select{max-width:260px}
.file .counts{font-weight:400;color:var(--muted);margin-left:8px}
/* Thousands of tests: the browser lays out only those near the viewport. */
.test{border-top:1px solid var(--line);content-visibility:auto;contain-intrinsic-size:auto 34px}
.test>summary{padding:6px 12px 6px 24px;cursor:pointer;display:flex;gap:8px;align-items:baseline}
.test .name{flex:1;min-width:0;overflow-wrap:anywhere}
.t,.sub{color:var(--muted);font-size:12px;font-weight:400}
.flaky{color:var(--skip);font-size:12px;border:1px solid currentColor;border-radius:8px;padding:0 6px;white-space:nowrap}
.badge{font-weight:700;width:1.2em;text-align:center}
.s-passed .badge{color:var(--pass)}.s-failed .badge{color:var(--fail)}.s-skipped .badge,.s-todo .badge{color:var(--skip)}
.body{padding:4px 16px 12px 44px}
.assertions{list-style:none;margin:0;padding:0}
.a{border-left:3px solid var(--pass);padding:4px 10px;margin:6px 0;background:#fbfcfd}
.a.fail{border-left-color:var(--fail)}
.a .h{display:flex;gap:8px;flex-wrap:wrap;align-items:baseline}
.a .h>*,.chips>*,.score>*{min-width:0;overflow-wrap:anywhere}
.a code{font-weight:600}
.verdict{font-size:12px;font-weight:700;text-transform:uppercase}
.a.ok .verdict{color:var(--pass)}.a.fail .verdict{color:var(--fail)}
.sum{color:var(--muted)}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f1f3f6;border-radius:6px;padding:8px;margin:6px 0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;max-height:420px;overflow:auto}
pre.err{background:#fdf1f1}
p.reused{color:var(--muted);margin:6px 0 2px}pre.reused-from{background:var(--bg)}
.cc{color:var(--fail);font-size:11px;border:1px solid currentColor;border-radius:3px;padding:0 2px}
.judge .score{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.judge meter{width:120px}
table{border-collapse:collapse;margin:6px 0;width:100%;table-layout:fixed}
.crit th:first-child{width:22%}.crit th:nth-child(2){width:8%}
.claims th:first-child{width:40%}.claims th:nth-child(2){width:12%}.v-unsupported,.v-contradicted{color:var(--fail);font-weight:600}
th,td{text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid var(--line);font-size:13px;overflow-wrap:anywhere}
th{color:var(--muted);font-weight:500}
td.n{text-align:right;white-space:nowrap}
.chips{display:flex;gap:4px;flex-wrap:wrap;align-items:baseline;margin:4px 0}
.chip{border-radius:10px;padding:0 8px;font-size:12px;background:#e7f4ec;color:var(--pass);overflow-wrap:anywhere}
.chip.miss{background:#fbe9ea;color:var(--fail)}
.k{color:var(--muted);font-size:12px;margin-right:4px}
.d-add{color:var(--pass)}.d-del{color:var(--fail)}.d-hunk{color:var(--accent)}
[hidden]{display:none!important}
`

