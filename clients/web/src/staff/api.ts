// The staff routes over fetch, on the API's own origin (staff routes never
// answer CORS). The key goes in `Authorization: Bearer`; screens keep it in
// sessionStorage (hotline, desk, admin) or localStorage (the kiosk, a device).
export interface Office { id: string; name: string; services: string[] }
export interface Service { id: string; name: string }
export class StaffError extends Error {
  constructor(public status: number, public type: string, public detail: string, public data: any) { super(`${status} ${type}`); }
}

export class StaffApi {
  constructor(public key: string, public lang: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const h: Record<string, string> = { 'Accept-Language': this.lang };
    if (this.key) h.Authorization = `Bearer ${this.key}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (method === 'POST' || method === 'PUT') h['Idempotency-Key'] = randomKey();
    let res: Response;
    try {
      res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new StaffError(0, 'network', '', {});
    }
    if (res.status === 204) return undefined as T;
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new StaffError(res.status, String(data.type || '').split('/').pop() || 'error', data.detail || data.title || '', data);
    return data as T;
  }
  offices() { return this.call<{ offices: Office[] }>('GET', '/v1/offices').then((r) => r.offices); }
  services() { return this.call<{ services: Service[] }>('GET', '/v1/services').then((r) => r.services); }
}

export function randomKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Starting language of a staff screen: ?lang=en, else German.
export function startLang(): 'de' | 'en' {
  return new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'de';
}
