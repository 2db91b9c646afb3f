/**
 * @module payments/sandbox-page
 * The small self-contained HTML pages of the payment flow: the sandbox payment page (order,
 * amount, Pay / Fail buttons that call `POST /api/v1/payments/sandbox/pay` with the signed link)
 * and a plain result page (the VNPay return URL, a refused link). Pure string building.
 * Invariants: every interpolated value is HTML-escaped (and JSON for the script, with `<`
 * escaped); the only script is inline with a per-response nonce named in the page's CSP.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxLink } from './sandbox-pay.js';

/** An HTML answer for the gateway: body and the headers that go with it (CSP with the nonce). */
export interface HtmlPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(status: number, title: string, main: string, script?: string): HtmlPage {
  const nonce = randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`;
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style nonce="${nonce}">body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{color:#666}button{font-size:1rem;padding:.6rem 1.4rem;margin:.4rem .6rem 0 0;cursor:pointer}
.pay{background:#0a7d32;color:#fff;border:0}.fail{background:#b3261e;color:#fff;border:0}#msg{margin-top:1rem;min-height:1.4rem}.note{color:#666;font-size:.85rem}</style></head>
<body><main>${main}</main>${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>`;
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' },
    body,
  };
}

function rows(fields: ReadonlyArray<readonly [string, string]>): string {
  return `<dl>${fields.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

/** A JSON value safe inside an inline script. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The sandbox payment page for a verified link (`sig` is posted back so the server re-checks it). */
export function renderSandboxPayPage(link: SandboxLink, sig: string, payPath = '/api/v1/payments/sandbox/pay'): HtmlPage {
  const main = `<h1>TicketBottle sandbox payment</h1>
<p class="note">A local stand-in for a payment provider: nothing is charged.</p>
${rows([
  ['Order', link.orderCode],
  ['Amount', `${link.amountMinor} ${link.currency} (minor units)`],
])}
<button class="pay" id="pay">Pay</button><button class="fail" id="fail">Fail</button><div id="msg" role="status"></div>`;
  const payload = { orderCode: link.orderCode, link: { ...link, amountMinor: String(link.amountMinor), sig } };
  const returnUrl = /^https?:\/\//i.test(link.returnUrl) ? link.returnUrl : '';
  const script = `const base=${scriptJson(payload)};const ret=${scriptJson(returnUrl)};const msg=document.getElementById('msg');
async function go(outcome){for(const b of document.querySelectorAll('button'))b.disabled=true;msg.textContent='Sending…';
try{const r=await fetch(${scriptJson(payPath)},{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({...base,outcome})});
const j=await r.json().catch(()=>({}));if(!r.ok)throw new Error((j.error&&j.error.message)||('HTTP '+r.status));
msg.textContent=outcome==='completed'?'Paid. The shop is being told…':'Payment failed (as asked).';if(ret)setTimeout(()=>{location.href=ret},1500);}
catch(e){msg.textContent='Error: '+e.message;for(const b of document.querySelectorAll('button'))b.disabled=false;}}
document.getElementById('pay').addEventListener('click',()=>go('completed'));document.getElementById('fail').addEventListener('click',()=>go('failed'));`;
  return page(200, 'Sandbox payment', main, script);
}

/** A plain page with a heading, a sentence and some facts (no script). */
export function renderResultPage(
  status: number,
  title: string,
  text: string,
  facts: ReadonlyArray<readonly [string, string]> = [],
): HtmlPage {
  return page(status, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${facts.length ? rows(facts) : ''}`);
}
