// Which proxy, if any, carries the requests to a URL: HTTPS_PROXY / HTTP_PROXY and NO_PROXY, in either case, as curl
// and undici read them (lower case first; an https URL falls back to HTTP_PROXY). Never used for the embedded sandbox.

export interface ProxyChoice {
  /** The proxy URL as configured (credentials included): only for the connection, never shown. */
  url: string;
  /** What may be shown: scheme, host and port, without credentials. */
  shown: string;
  /** The variable it came from, for messages. */
  variable: string;
}

/** `lookup` reads a variable (the environment, then `.env`). Returns a problem with a proxy URL, naming its variable. */
export function proxyFor(target: string, lookup: (name: string) => string | undefined): { proxy?: ProxyChoice; problem?: string } {
  const url = new URL(target);
  const first = (...names: string[]) => {
    for (const name of names) {
      const value = lookup(name)?.trim();
      if (value) return { name, value };
    }
    return undefined;
  };
  const chosen = url.protocol === "https:"
    ? first("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY")
    : first("http_proxy", "HTTP_PROXY");
  if (!chosen) return {};
  const noProxy = first("no_proxy", "NO_PROXY");
  if (noProxy && bypasses(url, noProxy.value)) return {};
  let proxy: URL;
  try {
    // A bare host:port is how many people write it; it means an http:// proxy.
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(chosen.value) ? chosen.value : `http://${chosen.value}`);
  } catch {
    return { problem: `${chosen.name} is not a proxy URL such as http://proxy.example:3128` };
  }
  if (proxy.protocol !== "http:" && proxy.protocol !== "https:") return { problem: `${chosen.name} must be an http:// or https:// proxy (got ${proxy.protocol})` };
  return { proxy: { url: proxy.toString(), shown: `${proxy.protocol}//${proxy.host}`, variable: chosen.name } };
}

/** NO_PROXY: comma- or space-separated hosts, each maybe with a port; a leading "." or "*." and a bare domain both match subdomains; "*" matches all. */
function bypasses(url: URL, noProxy: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return noProxy.split(/[,\s]+/).filter(Boolean).some((raw) => {
    if (raw === "*") return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(raw.toLowerCase());
    if (!m) return false;
    if (m[2] && m[2] !== port) return false;
    const entry = m[1]!.replace(/^\[|\]$/g, "").replace(/^\*?\./, "");
    return host === entry || host.endsWith(`.${entry}`);
  });
}
