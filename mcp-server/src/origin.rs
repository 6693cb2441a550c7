//! `Host` and `Origin` allow-lists for `/mcp` (DNS-rebinding and cross-origin protection).
//!
//! rmcp 3.11 checks `Host` against `allowed_hosts`, but its `Origin` check is off unless an
//! origin list is configured, and both refusals are `403` with a plain-text body. todo-mcp
//! checks both here first (before authentication, with JSON-RPC bodies) and also hands rmcp
//! the same lists, normalised to explicit ports, so rmcp's own check agrees with this one.
//! Matching follows rmcp's: `Host` by host name (and port when the entry has one); `Origin`
//! by scheme, host and port (RFC 6454), `:*` for any port, `null` for `Origin: null`.

use http::{HeaderMap, Uri};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Port {
    Any,
    Exact(u16),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AllowedOrigin {
    Null,
    Tuple {
        scheme: String,
        host: String,
        port: Port,
    },
}

#[derive(Debug, Clone)]
pub struct OriginPolicy {
    hosts: Vec<(String, Option<u16>)>,
    origins: Vec<AllowedOrigin>,
}

/// Why a request was refused (the message of the 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

fn host_and_port(authority: &str) -> Option<(String, Option<u16>)> {
    let authority = authority.trim();
    if authority.is_empty() {
        return None;
    }
    match http::uri::Authority::try_from(authority) {
        Ok(a) => Some((normalize_host(a.host()), a.port_u16())),
        // A bare IPv6 address such as `::1` is not an authority.
        Err(_) => Some((normalize_host(authority), None)),
    }
}

/// `scheme://host[:port]` -> (scheme, host, port).
fn parse_origin(value: &str) -> Option<(String, String, Option<u16>)> {
    let uri = Uri::try_from(value.trim()).ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?;
    if uri.path() != "/" && !uri.path().is_empty() {
        return None;
    }
    Some((
        scheme,
        normalize_host(authority.host()),
        authority.port_u16(),
    ))
}

fn parse_allowed(value: &str) -> Option<AllowedOrigin> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("null") {
        return Some(AllowedOrigin::Null);
    }
    if let Some(base) = value.strip_suffix(":*") {
        let (scheme, host, None) = parse_origin(base)? else {
            return None;
        };
        return Some(AllowedOrigin::Tuple {
            scheme,
            host,
            port: Port::Any,
        });
    }
    let (scheme, host, port) = parse_origin(value)?;
    // Without a port an origin means the scheme's default port (RFC 6454).
    let port = Port::Exact(port.or_else(|| default_port(&scheme))?);
    Some(AllowedOrigin::Tuple { scheme, host, port })
}

impl AllowedOrigin {
    /// The entry in rmcp's syntax, always with an explicit port (rmcp matches a portless
    /// entry against any port, a behaviour it has deprecated).
    fn to_rmcp(&self) -> String {
        match self {
            Self::Null => "null".to_owned(),
            Self::Tuple { scheme, host, port } => {
                let host = if host.contains(':') {
                    format!("[{host}]")
                } else {
                    host.clone()
                };
                match port {
                    Port::Any => format!("{scheme}://{host}:*"),
                    Port::Exact(p) => format!("{scheme}://{host}:{p}"),
                }
            }
        }
    }
}

impl OriginPolicy {
    /// `allowed_origins`: `None` means "http(s) on any allowed host"; entries that cannot be
    /// parsed are an error naming them.
    pub fn new(
        allowed_hosts: &[String],
        allowed_origins: Option<&[String]>,
    ) -> Result<Self, String> {
        let hosts: Vec<_> = allowed_hosts
            .iter()
            .filter_map(|h| host_and_port(h))
            .collect();
        // An empty list (e.g. an empty environment variable) means the default.
        let configured = allowed_origins.filter(|list| list.iter().any(|o| !o.trim().is_empty()));
        let origins = match configured {
            Some(list) => list
                .iter()
                .filter(|o| !o.trim().is_empty())
                .map(|o| {
                    parse_allowed(o).ok_or_else(|| {
                        format!(
                            "allowed origin {o:?} is not scheme://host[:port], scheme://host:* \
                             or null"
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => hosts
                .iter()
                .flat_map(|(host, port)| {
                    ["http", "https"].map(|scheme| AllowedOrigin::Tuple {
                        scheme: scheme.to_owned(),
                        host: host.clone(),
                        port: port.map_or(Port::Any, Port::Exact),
                    })
                })
                .collect(),
        };
        Ok(Self { hosts, origins })
    }

    /// The origin list for rmcp's `with_allowed_origins`.
    pub fn rmcp_origins(&self) -> Vec<String> {
        self.origins.iter().map(AllowedOrigin::to_rmcp).collect()
    }

    fn host_allowed(&self, host: &str, port: Option<u16>) -> bool {
        self.hosts.is_empty()
            || self
                .hosts
                .iter()
                .any(|(h, p)| *h == host && p.is_none_or(|p| Some(p) == port))
    }

    fn origin_allowed(&self, value: &str) -> bool {
        if value.trim().eq_ignore_ascii_case("null") {
            return self.origins.contains(&AllowedOrigin::Null);
        }
        let Some((scheme, host, port)) = parse_origin(value) else {
            return false;
        };
        let port = port.or_else(|| default_port(&scheme));
        self.origins.iter().any(|allowed| match allowed {
            AllowedOrigin::Null => false,
            AllowedOrigin::Tuple {
                scheme: s,
                host: h,
                port: p,
            } => {
                *s == scheme
                    && *h == host
                    && match p {
                        Port::Any => true,
                        Port::Exact(p) => Some(*p) == port,
                    }
            }
        })
    }

    /// Checks `Host` (or the URI authority) and, when present, `Origin`. A request without
    /// `Origin` (any non-browser client) passes the origin check.
    pub fn check(&self, uri: &Uri, headers: &HeaderMap) -> Result<(), Refusal> {
        let host = match headers.get(http::header::HOST) {
            Some(value) => value.to_str().ok().and_then(host_and_port),
            None => uri
                .authority()
                .map(|a| (normalize_host(a.host()), a.port_u16())),
        };
        match host {
            Some((host, port)) if self.host_allowed(&host, port) => {}
            Some(_) => {
                tracing::warn!("refused a request whose Host is not allowed (DNS rebinding?)");
                return Err(Refusal(
                    "Forbidden: the Host header is not allowed (add the name to \
                     --allowed-hosts / TODO_MCP_ALLOWED_HOSTS)"
                        .to_owned(),
                ));
            }
            None => {
                return Err(Refusal(
                    "Forbidden: missing or invalid Host header".to_owned(),
                ));
            }
        }
        let mut origins = headers.get_all(http::header::ORIGIN).iter();
        if let Some(origin) = origins.next() {
            let allowed =
                origins.next().is_none() && origin.to_str().is_ok_and(|o| self.origin_allowed(o));
            if !allowed {
                tracing::warn!(
                    origin = %String::from_utf8_lossy(origin.as_bytes()),
                    "refused a request from an Origin that is not allowed"
                );
                return Err(Refusal(
                    "Forbidden: the Origin header is not allowed (configure \
                     --allowed-origins / TODO_MCP_ALLOWED_ORIGINS)"
                        .to_owned(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::HOST, host.parse().unwrap());
        if let Some(o) = origin {
            h.insert(http::header::ORIGIN, o.parse().unwrap());
        }
        h
    }

    fn hosts() -> Vec<String> {
        ["localhost", "127.0.0.1", "::1", "todo-mcp"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn default_origins_are_the_allowed_hosts() {
        let policy = OriginPolicy::new(&hosts(), None).unwrap();
        let uri = Uri::from_static("/mcp");
        let ok = |o| {
            policy
                .check(&uri, &headers("localhost:8001", Some(o)))
                .is_ok()
        };
        assert!(ok("http://localhost:3000"));
        assert!(ok("https://todo-mcp"));
        assert!(ok("http://[::1]:8001"));
        assert!(ok("http://127.0.0.1:8001"));
        assert!(!ok("http://evil.example.com"));
        assert!(!ok("null"));
        assert!(!ok("garbage"));
        assert!(policy.check(&uri, &headers("localhost:8001", None)).is_ok());
        assert!(policy.check(&uri, &headers("evil.example", None)).is_err());
    }

    #[test]
    fn configured_origins_match_scheme_host_and_port() {
        let list = ["https://app.example.com", "http://localhost:*", "null"].map(String::from);
        let policy = OriginPolicy::new(&hosts(), Some(&list)).unwrap();
        let uri = Uri::from_static("/mcp");
        let ok = |o| policy.check(&uri, &headers("localhost", Some(o))).is_ok();
        assert!(ok("https://app.example.com"));
        assert!(ok("https://app.example.com:443"));
        assert!(!ok("https://app.example.com:8443"));
        assert!(!ok("http://app.example.com"));
        assert!(ok("http://localhost:3000"));
        assert!(ok("null"));
        assert!(!ok("http://127.0.0.1:3000"));
        assert_eq!(
            policy.rmcp_origins(),
            ["https://app.example.com:443", "http://localhost:*", "null"]
        );
        assert!(OriginPolicy::new(&hosts(), Some(&["nonsense".to_owned()])).is_err());
    }
}
