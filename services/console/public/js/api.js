// The console's JSON API, with the bearer token kept in this tab's sessionStorage only.

const TOKEN_KEY = 'shadowdiff.console.token';

export class ApiError extends Error {}

function askToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  input.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        const token = input.value.trim();
        if (token) sessionStorage.setItem(TOKEN_KEY, token);
        resolve(Boolean(token));
      },
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
}

export async function api(path, params = {}, init = {}) {
  const q = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null),
  );
  const url = `${path}${q.toString() ? `?${q}` : ''}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { accept: 'application/json', ...(init.headers || {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, { ...init, headers });
    if (res.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      if (!(await askToken())) throw new ApiError('A bearer token is needed to read this console.');
      continue;
    }
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError(body.error || `${res.status} ${res.statusText}`);
    return body;
  }
  throw new ApiError('The token was refused.');
}
