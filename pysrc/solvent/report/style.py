"""The report's inline stylesheet: the page must open offline, so nothing is linked."""

CSS = """
:root { --ok: #11772f; --bad: #b3141b; --warn: #8a5a00; --ink: #1b1f24; --muted: #59636e;
        --line: #d8dee4; --res: #1f6feb; --liab: #8c959f; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
       color: var(--ink); background: #f6f8fa; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; min-height: 100vh; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.sub { color: var(--muted); margin: 0; }
code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12.5px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.verdict { margin: 18px 0 8px; padding: 18px 22px; border-radius: 8px; color: #fff; display: flex;
           align-items: center; gap: 22px; }
.verdict.valid { background: var(--ok); }
.verdict.invalid { background: var(--bad); }
.verdict.untrusted { background: var(--warn); }
.verdict-word { font-size: 40px; font-weight: 800; letter-spacing: 2px; }
.verdict p { margin: 2px 0; }
.alert { margin: 12px 0; padding: 12px 16px; border-radius: 6px; border: 2px solid var(--bad);
         background: #fff0f0; color: var(--bad); font-weight: 600; }
.note { margin: 10px 0; padding: 10px 14px; border-left: 4px solid var(--line); background: #f6f8fa; color: var(--muted); }
.ok { color: var(--ok); font-weight: 700; }
.bad { color: var(--bad); font-weight: 700; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; }
.badge.ok { background: #dafbe1; }
.badge.bad { background: #ffebe9; }
.warnings li { color: var(--warn); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; }
.asset { display: grid; grid-template-columns: 90px 1fr 240px; gap: 6px 16px; align-items: center;
         padding: 10px 0; border-bottom: 1px solid var(--line); }
.asset .sym { font-weight: 700; font-size: 17px; }
.asset svg { width: 100%; height: 44px; display: block; }
.asset svg .r { fill: var(--res); }
.asset svg .l { fill: var(--liab); }
.asset svg .short { fill: var(--bad); }
.figures { font-size: 13px; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; border-radius: 2px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12.5px; }
@media print { body { background: #fff; } main { padding: 0; } }
"""
