//! A PostgreSQL URL with a replaceable address.

use std::net::{SocketAddr, ToSocketAddrs};

/// A PostgreSQL URL taken apart, to point it at another address (a [`crate::proxy::Proxy`]).
pub struct PgUrl {
    pub addr: SocketAddr,
    prefix: String,
    suffix: String,
}

impl PgUrl {
    pub fn parse(url: &str) -> Self {
        let (scheme, rest) = url.split_once("://").expect("scheme");
        let (userinfo, rest) = rest.rsplit_once('@').map_or(("", rest), |(u, r)| (u, r));
        let (hostport, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
        let addr = hostport
            .to_socket_addrs()
            .expect("host:port")
            .next()
            .expect("an address");
        let at = if userinfo.is_empty() {
            String::new()
        } else {
            format!("{userinfo}@")
        };
        Self {
            addr,
            prefix: format!("{scheme}://{at}"),
            suffix: format!("/{path}"),
        }
    }

    pub fn with_addr(&self, addr: SocketAddr) -> String {
        format!("{}{}{}", self.prefix, addr, self.suffix)
    }
}
