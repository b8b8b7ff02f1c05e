/**
 * The status page's stylesheet: one column at phone width, two from 900 px (gallery and timeline
 * on the left, wallet, plans and talk on the right). System fonts, no framework.
 */
export const PAGE_CSS = String.raw`
:root { --ink: #1d2330; --muted: #5d6676; --line: #e3e6ec; --card: #fff; --bg: #f5f6f9; --accent: #3451d1; --good: #1d7a46; --bad: #b3261e; --warn: #9a6200; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: var(--ink); background: var(--bg); }
header { position: sticky; top: 0; z-index: 2; background: var(--ink); color: #fff; padding: .6rem 1rem; display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; }
header h1 { font-size: 1.1rem; margin: 0; font-weight: 650; }
#conn { font-size: .8rem; padding: .1rem .6rem; border-radius: 1rem; background: #58606e; color: #fff; }
#conn[data-state=live] { background: var(--good); } #conn[data-state=down] { background: var(--bad); }
#now { flex-basis: 100%; font-size: .9rem; color: #d9def0; margin: 0; }
#offline { background: #fdecea; color: var(--bad); border-bottom: 1px solid #f3c2bd; padding: .5rem 1rem; font-weight: 600; }
main { display: grid; gap: 1rem; padding: 1rem; max-width: 1280px; margin: 0 auto; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 900px) { main { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); } .wide { grid-column: 1 / -1; } }
section { background: var(--card); border: 1px solid var(--line); border-radius: .75rem; padding: .8rem 1rem; min-width: 0; }
h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 .6rem; }
.col { display: contents; }
@media (min-width: 900px) { .col { display: grid; gap: 1rem; align-content: start; min-width: 0; } }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .9rem; margin: 0; font-size: .9rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.figures { display: flex; gap: 1.2rem; flex-wrap: wrap; margin-bottom: .5rem; }
.figure b { display: block; font-size: 1.3rem; } .figure span { color: var(--muted); font-size: .8rem; }
#chart { min-height: 200px; }
#gallery { display: grid; gap: .8rem; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); }
@media (min-width: 900px) { #gallery { grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); } }
.asset { border: 1px solid var(--line); border-radius: .6rem; overflow: hidden; background: #fff; display: flex; flex-direction: column; }
.asset .pic { aspect-ratio: 9 / 16; max-height: 320px; width: 100%; object-fit: cover; background: #dfe3ee; display: block; }
.asset .shots { aspect-ratio: auto; max-height: none; padding: .6rem .8rem; margin: 0; background: linear-gradient(160deg, #2c3553, #4a3d6b); color: #eef; font-size: .82rem; list-style: decimal inside; }
.asset .shots li { margin: .15rem 0; }
.asset .strip { display: flex; gap: 2px; overflow-x: auto; } .asset .strip img { height: 64px; width: auto; }
.asset .body { padding: .6rem .8rem .8rem; display: grid; gap: .25rem; }
.asset .title { font-weight: 650; font-size: 1rem; } .asset .hook { color: var(--ink); font-style: italic; }
.asset .meta { color: var(--muted); font-size: .8rem; }
.empty { color: var(--muted); font-style: italic; }
ol#timeline { list-style: none; margin: 0; padding: 0; max-height: 26rem; overflow: auto; }
#timeline li { display: grid; grid-template-columns: 3.2rem 1fr; gap: .5rem; padding: .35rem 0; border-bottom: 1px solid var(--line); }
#timeline time { color: var(--muted); font-variant-numeric: tabular-nums; font-size: .85rem; }
ul.plain { list-style: none; margin: 0; padding: 0; } ul.plain li { padding: .3rem 0; border-bottom: 1px solid var(--line); display: flex; gap: .5rem; align-items: baseline; flex-wrap: wrap; }
ul.plain li:last-child, #timeline li:last-child { border-bottom: 0; }
.chip { font-size: .75rem; padding: 0 .45rem; border-radius: .6rem; background: #eef0f6; color: var(--muted); }
.vvs { font-weight: 700; color: var(--accent); margin-left: auto; font-variant-numeric: tabular-nums; }
.sev-high, .sev-critical { background: #fdecea; color: var(--bad); }
#talk-log { max-height: 28rem; overflow: auto; display: grid; gap: .5rem; margin-bottom: .5rem; }
.msg { padding: .45rem .7rem; border-radius: .8rem; max-width: 90%; overflow-wrap: anywhere; white-space: pre-wrap; }
.msg.you { justify-self: end; background: var(--accent); color: #fff; }
.msg.muse { justify-self: start; background: #eef0f6; }
.msg.note { justify-self: center; color: var(--muted); font-size: .85rem; background: none; }
.card { border: 1px solid var(--line); border-radius: .6rem; padding: .6rem .8rem; background: #fbfbfd; display: grid; gap: .4rem; }
.card h3 { margin: 0; font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.card .asset { border: 0; }
form#talk { display: flex; gap: .5rem; } form#talk input { flex: 1; min-width: 0; font: inherit; padding: .5rem .7rem; border: 1px solid var(--line); border-radius: .5rem; }
form#talk button#mic.live { background: var(--bad); } form#talk button#hangup { background: #58606e; }
#voice-state { margin: .4rem 0 0; font-size: .85rem; color: var(--muted); display: flex; align-items: center; gap: .4rem; }
#voice-state::before { content: ""; width: .6rem; height: .6rem; border-radius: 50%; background: var(--muted); }
#voice-state[data-state=listening]::before { background: var(--bad); } #voice-state[data-state=talking]::before { background: var(--good); }
#voice-state[hidden] { display: none; }
.msg[data-final=false] { opacity: .75; }
.msg.voice-error { color: var(--bad); font-weight: 600; }
form#talk button { font: inherit; padding: .5rem .9rem; border: 0; border-radius: .5rem; background: var(--accent); color: #fff; }
.good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); }
`;
