// Proof of work for a hold (api/security/pow.h on the server, ALTCHA style): find
// `number` in 0..maxnumber with hex SHA-256(salt + number) = challenge.
// Solved in a Web Worker made from a blob: URL (a worker script from the API's
// origin cannot run on the city's page; the city's CSP needs `worker-src
// blob:`, clients/web/README.md); where that is refused, on the page itself
// in slices that leave the page responsive. Nothing for the person to do.

export interface Challenge { algorithm: string; challenge: string; maxnumber: number; salt: string; signature: string }

// Self-contained (it runs as the worker's source too): the first number in
// [from, to] that solves, or -1. SHA-256 of a short ASCII string, by hand:
// crypto.subtle is asynchronous per hash and ten times slower here.
function findNumber(salt: string, challenge: string, from: number, to: number): number {
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  const w = new Uint32Array(64);
  const hex = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
  const sha = (s: string): string => {
    const n = s.length;
    const blocks = ((n + 9 + 63) >> 6) << 4;  // 32-bit words
    const m = new Uint32Array(blocks);
    for (let i = 0; i < n; i++) m[i >> 2] |= s.charCodeAt(i) << (24 - 8 * (i & 3));
    m[n >> 2] |= 0x80 << (24 - 8 * (n & 3));
    m[blocks - 1] = n * 8;
    let h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
    let h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (let b = 0; b < blocks; b += 16) {
      for (let t = 0; t < 64; t++) {
        if (t < 16) {
          w[t] = m[b + t];
        } else {
          const x = w[t - 15], y = w[t - 2];
          const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
          const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
          w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
        }
      }
      let a = h0, bb = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (let t = 0; t < 64; t++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + bb) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return hex(h0) + hex(h1) + hex(h2) + hex(h3) + hex(h4) + hex(h5) + hex(h6) + hex(h7);
  };
  for (let i = from; i <= to; i++) if (sha(salt + i) === challenge) return i;
  return -1;
}

function inWorker(c: Challenge): Promise<number> {
  const source = `const findNumber = ${findNumber.toString()};
onmessage = (e) => { const c = e.data; postMessage(findNumber(c.salt, c.challenge, 0, c.maxnumber)); };`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Promise<number>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(url);
    } catch (e) {
      URL.revokeObjectURL(url);
      reject(e);
      return;
    }
    worker.onmessage = (e) => { worker.terminate(); URL.revokeObjectURL(url); resolve(e.data as number); };
    worker.onerror = (e) => { e.preventDefault(); worker.terminate(); URL.revokeObjectURL(url); reject(new Error('worker')); };
    worker.postMessage({ salt: c.salt, challenge: c.challenge, maxnumber: c.maxnumber });
  });
}

async function onPage(c: Challenge): Promise<number> {
  const slice = 5000;
  for (let from = 0; from <= c.maxnumber; from += slice) {
    const n = findNumber(c.salt, c.challenge, from, Math.min(c.maxnumber, from + slice - 1));
    if (n >= 0) return n;
    await new Promise((r) => setTimeout(r, 0));
  }
  return -1;
}

// The X-Proof-Of-Work header value for a solved challenge.
export async function solve(c: Challenge): Promise<string> {
  let n: number;
  try {
    n = await inWorker(c);
  } catch {
    n = await onPage(c);
  }
  const payload = { algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature };
  return btoa(JSON.stringify(payload));
}
