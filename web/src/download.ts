/**
 * A signed-in GET of a binary (a ticket PDF): the access token goes in the Authorization header,
 * never in the URL, so the file is fetched and handed to the browser as a blob.
 */
import { ApiError, refresh } from './api.js';
import { getSession } from './session.js';

/** GET `path` with the session's token; the body as a Blob, or `ApiError`. */
export async function getAuthed(path: string): Promise<Blob> {
  for (let attempt = 0; ; attempt++) {
    const s = getSession();
    const r = await fetch(path, { headers: s ? { authorization: `Bearer ${s.accessToken}` } : {} });
    if (r.ok) return r.blob();
    const err = ((await r.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined)?.error;
    if (r.status === 401 && err?.code === 'AUTH_TOKEN_EXPIRED' && attempt === 0 && (await refresh())) continue;
    throw new ApiError(r.status, err?.code ?? `HTTP_${r.status}`, err?.message ?? r.statusText);
  }
}
