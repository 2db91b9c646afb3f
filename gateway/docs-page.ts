/**
 * @module gateway/docs-page
 * A self-contained HTML page that renders the OpenAPI document for people: operations grouped by
 * tag, with auth, parameters, request body and responses (schemas shown as formatted JSON), and a
 * filter box. No CDN, no external asset: everything is inline. Invariant: every string taken from
 * the document is HTML-escaped, so a schema description cannot inject markup.
 */

type Json = Record<string, unknown>;

/** Escape text for HTML element and attribute content. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const pre = (v: unknown) => `<pre>${escapeHtml(JSON.stringify(v, null, 2))}</pre>`;

function paramsTable(params: Json[]): string {
  if (params.length === 0) return '';
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p['name']))}</code></td><td>${escapeHtml(String(p['in']))}</td>` +
        `<td>${p['required'] ? 'yes' : 'no'}</td><td><code>${escapeHtml(JSON.stringify(p['schema']))}</code></td></tr>`,
    )
    .join('');
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>`;
}

function responsesBlock(responses: Json): string {
  return `<h4>Responses</h4>${Object.entries(responses)
    .map(([status, r]) => {
      const resp = r as Json;
      const content = resp['content'] as Record<string, Json> | undefined;
      const schema = content ? Object.values(content)[0]?.['schema'] : undefined;
      const body = schema ? `<details><summary>schema</summary>${pre(schema)}</details>` : '';
      return `<div class="resp"><span class="status s${status[0]}">${escapeHtml(status)}</span> ${escapeHtml(String(resp['description'] ?? ''))}${body}</div>`;
    })
    .join('')}`;
}

function operationBlock(path: string, method: string, op: Json): string {
  const security = op['security'] as unknown[] | undefined;
  const auth = !security ? 'none' : security.some((s) => Object.keys(s as Json).length === 0) ? 'optional' : 'required';
  const reqBody = op['requestBody'] as Json | undefined;
  const bodySchema = reqBody ? (reqBody['content'] as Record<string, Json>)['application/json']?.['schema'] : undefined;
  return `<section class="op" data-search="${escapeHtml(`${method} ${path} ${String(op['summary'] ?? '')}`.toLowerCase())}">
<h3><span class="method m-${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op['summary'] ?? ''))}</p>${op['description'] ? `<p>${escapeHtml(String(op['description']))}</p>` : ''}
<p class="meta">operationId <code>${escapeHtml(String(op['operationId'] ?? ''))}</code> · auth: <b>${auth}</b></p>
${paramsTable((op['parameters'] ?? []) as Json[])}
${bodySchema ? `<h4>Request body (application/json)</h4>${pre(bodySchema)}` : ''}
${responsesBlock((op['responses'] ?? {}) as Json)}
</section>`;
}

/** Render the page for `doc` (an OpenAPI 3.1 document as produced by `buildOpenApi`). */
export function renderDocsPage(doc: Json, openApiUrl = '/api/v1/openapi.json'): string {
  const info = (doc['info'] ?? {}) as Json;
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries((doc['paths'] ?? {}) as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (((op as Json)['tags'] as string[] | undefined) ?? [])[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationBlock(path, method, op as Json)]);
    }
  }
  const sections = [...byTag.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  const schemas = (doc['components'] as Json | undefined)?.['schemas'] ?? {};
  const title = escapeHtml(`${String(info['title'] ?? 'API')} ${String(info['version'] ?? '')}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1rem 2rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.6rem;overflow:auto;border-radius:4px}
.op{border:1px solid #ddd;border-radius:6px;padding:.2rem 1rem;margin:.8rem 0}
.method{display:inline-block;min-width:4.2rem;text-align:center;color:#fff;border-radius:3px;padding:0 .3rem;font-size:13px}
.m-get{background:#2f7bd8}.m-post{background:#2a9d55}.m-put,.m-patch{background:#c98a12}.m-delete{background:#c0392b}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
.status{font-weight:bold}.s2{color:#2a9d55}.s4{color:#c98a12}.s5{color:#c0392b}.meta{color:#666;font-size:13px}
#filter{width:100%;padding:.4rem;font-size:15px}
</style></head><body>
<h1>${title}</h1>${info['description'] ? `<p>${escapeHtml(String(info['description']))}</p>` : ''}
<p>Machine-readable document: <a href="${escapeHtml(openApiUrl)}">${escapeHtml(openApiUrl)}</a>.
Errors always have the body <code>{"error":{"code","message","retryable","details"}}</code>.</p>
<input id="filter" placeholder="filter operations (method, path, summary)" autofocus>
${sections || '<p>No operations.</p>'}
<h2>Schemas</h2>${Object.entries(schemas as Json)
    .map(([n, s]) => `<h3 id="schema-${escapeHtml(n)}">${escapeHtml(n)}</h3>${pre(s)}`)
    .join('')}
<script>
document.getElementById('filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll('.op').forEach(function (el) { el.style.display = el.dataset.search.indexOf(q) >= 0 ? '' : 'none'; });
});
</script></body></html>`;
}
