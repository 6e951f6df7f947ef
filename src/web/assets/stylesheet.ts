/**
 * The pages' one stylesheet, served at /assets/app-<hash>.css (CSP `style-src 'self'`: no inline
 * style anywhere). Colours meet WCAG AA contrast on their backgrounds; focus is always visible.
 */
export const STYLESHEET = `
:root{--ink:#1b1d29;--muted:#555b6e;--line:#d9dce5;--bg:#f5f6fa;--card:#fff;--brand:#3b21d9;--brand-ink:#fff;
--brand-soft:#ecebff;--ok:#11643a;--ok-bg:#e3f5ea;--warn:#7a4300;--warn-bg:#fff1d6;--bad:#9b1c1c;--bad-bg:#fde8e8;
--info:#1a4f9c;--info-bg:#e5efff;--radius:8px;--shadow:0 1px 2px #1b1d2914,0 2px 8px #1b1d290d}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--brand)}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #7c6cff;outline-offset:2px;border-radius:3px}
.skip{position:absolute;left:-999px;top:0;background:var(--card);padding:.5rem 1rem;z-index:10}
.skip:focus{left:1rem;top:1rem}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
p{margin:.5rem 0}.muted{color:var(--muted);font-size:.93rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
/* top bar */
.topbar{background:#1b1d29;color:#fff}
.topbar-inner{max-width:72rem;margin:0 auto;padding:.6rem 1.25rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
.brand{display:flex;align-items:center;gap:.6rem;color:#fff;text-decoration:none;font-weight:650;font-size:1.05rem}
.brand img{height:28px;width:auto}
.brand-mark{display:inline-grid;place-items:center;width:28px;height:28px;border-radius:7px;background:var(--brand);font-weight:800}
.topbar .spacer{flex:1}
.topbar a,.topbar summary{color:#fff}
.topbar .who{font-size:.9rem;color:#d7d9e4}
.topbar form{margin:0}
.switcher{position:relative}
.switcher summary{cursor:pointer;list-style:none;padding:.35rem .7rem;border:1px solid #ffffff40;border-radius:6px}
.switcher summary::-webkit-details-marker{display:none}
.switcher[open] ul{position:absolute;z-index:5;right:0;margin:.3rem 0 0;padding:.3rem;list-style:none;background:var(--card);border-radius:var(--radius);box-shadow:var(--shadow);min-width:16rem;border:1px solid var(--line)}
.switcher li a{display:block;padding:.45rem .6rem;border-radius:6px;color:var(--ink);text-decoration:none}
.switcher li a:hover,.switcher li a:focus-visible{background:var(--brand-soft)}
.switcher li a[aria-current]{font-weight:650}
.switcher .type{color:var(--muted);font-size:.8rem;margin-left:.3rem}
.btn-link{background:none;border:0;padding:0;color:inherit;font:inherit;text-decoration:underline;cursor:pointer}
/* layout */
.page{max-width:72rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
.page-head{display:flex;align-items:flex-end;justify-content:space-between;gap:1rem;flex-wrap:wrap;margin-bottom:1rem}
.crumbs{color:var(--muted);font-size:.9rem;margin:0 0 .2rem}
.tabs{display:flex;gap:.25rem;border-bottom:1px solid var(--line);margin:0 0 1.25rem;padding:0;list-style:none;flex-wrap:wrap}
.tabs a{display:block;padding:.55rem .9rem;text-decoration:none;color:var(--muted);border-bottom:3px solid transparent;margin-bottom:-1px;font-weight:550}
.tabs a[aria-current=page]{color:var(--brand);border-bottom-color:var(--brand)}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);box-shadow:var(--shadow);padding:1.25rem}
.card+.card{margin-top:1rem}
.card>h2:first-child{margin-top:0}
.narrow{max-width:27rem;margin:3.5rem auto}
.narrow .card{padding:1.75rem}
.center-brand{text-align:center;margin-bottom:1.25rem}
.center-brand .brand{color:var(--ink);justify-content:center}
.center-brand .brand-mark{color:#fff}
/* forms */
label,.label{display:block;font-weight:600;margin:.9rem 0 .3rem}
.hint{display:block;color:var(--muted);font-size:.88rem;margin-top:.25rem;font-weight:400}
input[type=text],input[type=email],input[type=password],input[type=search],input[type=tel],input[type=file],input:not([type]),select,textarea{
width:100%;padding:.55rem .65rem;border:1px solid #8a8fa3;border-radius:6px;font:inherit;color:var(--ink);background:#fff}
textarea{min-height:7rem;resize:vertical}
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:var(--bad);box-shadow:0 0 0 1px var(--bad)}
.field-error{color:var(--bad);font-size:.88rem;margin:.25rem 0 0}
fieldset{border:1px solid var(--line);border-radius:var(--radius);margin:1rem 0;padding:.4rem 1rem 1rem}
legend{font-weight:650;padding:0 .3rem}
.check{display:flex;gap:.55rem;align-items:flex-start;font-weight:400;margin:.55rem 0}
.check input{margin-top:.3rem;width:1.05rem;height:1.05rem;flex:none}
.check label{display:inline;margin:0;font-weight:500}
label+.hint{margin:-.1rem 0 .4rem}
.row{display:flex;gap:.75rem;flex-wrap:wrap}.row>*{flex:1;min-width:8rem}
.actions{display:flex;gap:.6rem;flex-wrap:wrap;align-items:center;margin-top:1.25rem}
button,.button{display:inline-flex;align-items:center;justify-content:center;gap:.4rem;padding:.55rem 1rem;border-radius:6px;border:1px solid var(--brand);
background:var(--brand);color:var(--brand-ink);font:inherit;font-weight:600;cursor:pointer;text-decoration:none;line-height:1.2}
button:hover,.button:hover{filter:brightness(1.12)}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.danger,.button.danger{background:var(--bad);border-color:var(--bad);color:#fff}
button.quiet,.button.quiet{background:#fff;color:var(--ink);border-color:#8a8fa3}
button.small,.button.small{padding:.3rem .6rem;font-size:.86rem;font-weight:550}
button.wide{width:100%;margin-top:1.25rem;padding:.7rem}
.inline{display:inline}
/* filters */
.filters{display:flex;gap:.75rem;align-items:flex-end;flex-wrap:wrap;margin-bottom:1rem}
.filters>div{min-width:10rem}.filters .grow{flex:1;min-width:14rem}
.filters label{margin-top:0}
/* tables */
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:var(--radius);box-shadow:var(--shadow)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.7rem .85rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:#fafbfd}
tr:last-child td{border-bottom:0}
tbody th{text-transform:none;letter-spacing:normal;font-size:inherit;color:inherit;background:none;font-weight:600}
.sub{display:block;color:var(--muted);font-size:.88rem;font-weight:400}
.nowrap{white-space:nowrap}
.row-actions{display:flex;flex-wrap:wrap;gap:.35rem;justify-content:flex-end}
td.actions-cell{width:1%;min-width:17rem}
.row-actions .button,.row-actions button{white-space:nowrap}
legend .hint{display:inline;margin-left:.4rem}
.row-actions form{display:contents}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:.8rem;gap:1rem;flex-wrap:wrap}
.pager nav{display:flex;gap:.5rem}
.empty{padding:2rem;text-align:center;color:var(--muted)}
/* badges */
.badge{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.82rem;font-weight:650;border:1px solid transparent;white-space:nowrap}
.badge::before{content:"";display:inline-block;width:.5rem;height:.5rem;border-radius:50%;margin-right:.35rem;background:currentColor;vertical-align:.05rem}
.s-active{color:var(--ok);background:var(--ok-bg)}
.s-invited{color:var(--info);background:var(--info-bg)}
.s-expired{color:var(--warn);background:var(--warn-bg);border-color:#e8b866}
.s-blocked,.s-disabled,.s-deleted{color:var(--bad);background:var(--bad-bg)}
.s-expired::before{border-radius:1px}
.s-blocked::before{border-radius:0;transform:rotate(45deg)}
.chips{display:flex;gap:.3rem;flex-wrap:wrap}
.chip{background:#eef0f5;border-radius:5px;padding:.05rem .45rem;font-size:.85rem}
/* notices */
.notice{padding:.75rem 1rem;border-radius:var(--radius);margin:0 0 1rem;border:1px solid}
.notice.ok{background:var(--ok-bg);color:var(--ok);border-color:#9fd3b3}
.notice.error{background:var(--bad-bg);color:var(--bad);border-color:#f0a9a9}
.notice.info{background:var(--info-bg);color:var(--info);border-color:#a9c4f0}
.notice.warn{background:var(--warn-bg);color:var(--warn);border-color:#e8b866}
#notices:empty{display:none}
.secret{display:flex;gap:.5rem;align-items:center}
.secret input{font-family:ui-monospace,Menlo,Consolas,monospace}
.secret button{white-space:nowrap}
.results td:first-child{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.25rem;margin:.5rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.footer{max-width:72rem;margin:0 auto;padding:0 1.25rem 2rem;color:var(--muted);font-size:.85rem}
.htmx-request .spinner{display:inline-block}
.spinner{display:none;width:.9rem;height:.9rem;border:2px solid #fff8;border-top-color:#fff;border-radius:50%;animation:spin .7s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
@media (max-width:40rem){th.hide-narrow,td.hide-narrow{display:none}.page{padding:1rem .75rem 2rem}}
`
