//! The `health` subcommand's check. The images have no shell and no curl, so the binary itself
//! asks a service's `/readyz`: its own for `HEALTHCHECK` and compose, or another one's for the
//! Helm chart's test pod.

use std::{
    net::{Ipv4Addr, Ipv6Addr, SocketAddr},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{0:?} is not a URL of the form http://host:port/path")]
    Url(String),
    #[error("cannot reach {url}: {source}")]
    Io { url: String, source: std::io::Error },
    #[error("{url} did not answer within {TIMEOUT:?}")]
    Timeout { url: String },
    #[error("{url} answered {status:?}")]
    Status { url: String, status: String },
}

/// The readiness URL of a service listening at `listen`; a wildcard address means this machine.
pub fn ready_url(listen: SocketAddr) -> String {
    let mut addr = listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{addr}/readyz")
}

/// `GET url` (plain HTTP); `Ok` on a 2xx answer.
pub async fn probe(url: &str) -> Result<(), ProbeError> {
    let (authority, path) = split(url).ok_or_else(|| ProbeError::Url(url.to_owned()))?;
    let status = tokio::time::timeout(TIMEOUT, status_line(authority, path))
        .await
        .map_err(|_| ProbeError::Timeout {
            url: url.to_owned(),
        })?
        .map_err(|source| ProbeError::Io {
            url: url.to_owned(),
            source,
        })?;
    match status.split_whitespace().nth(1) {
        Some(code) if code.starts_with('2') => Ok(()),
        _ => Err(ProbeError::Status {
            url: url.to_owned(),
            status,
        }),
    }
}

/// `http://host:port/path` into (`host:port`, `/path`).
fn split(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    let port_given = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok());
    (port_given && !authority.starts_with(':')).then_some((authority, path))
}

async fn status_line(authority: &str, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(authority).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut head = Vec::with_capacity(256);
    stream.take(256).read_to_end(&mut head).await?;
    let head = String::from_utf8_lossy(&head);
    Ok(head.lines().next().unwrap_or_default().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer_once(response: &'static str) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0; 1024];
            let _ = socket.read(&mut buf).await;
            socket.write_all(response.as_bytes()).await.unwrap();
        });
        addr
    }

    #[tokio::test]
    async fn a_2xx_answer_is_healthy() {
        let addr = answer_once("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
        probe(&ready_url(addr)).await.unwrap();
    }

    #[tokio::test]
    async fn a_host_name_is_resolved() {
        let addr = answer_once("HTTP/1.1 204 No Content\r\n\r\n").await;
        probe(&format!("http://localhost:{}/healthz", addr.port()))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_503_is_reported_with_its_status_line() {
        let addr = answer_once("HTTP/1.1 503 Service Unavailable\r\n\r\n").await;
        let err = probe(&ready_url(addr)).await.unwrap_err();
        assert!(err.to_string().contains("503 Service Unavailable"), "{err}");
    }

    #[tokio::test]
    async fn nobody_listening_is_an_io_error() {
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let err = probe(&ready_url(addr)).await.unwrap_err();
        assert!(matches!(err, ProbeError::Io { .. }), "{err}");
    }

    #[tokio::test]
    async fn only_plain_http_urls_with_a_port_are_probed() {
        for url in [
            "https://a:1/",
            "http://a/",
            "a:80/x",
            "http://:80/",
            "http://a:x/",
        ] {
            assert!(matches!(probe(url).await, Err(ProbeError::Url(_))), "{url}");
        }
    }

    #[test]
    fn a_wildcard_listen_address_is_probed_on_loopback() {
        assert_eq!(
            ready_url("0.0.0.0:8001".parse().unwrap()),
            "http://127.0.0.1:8001/readyz"
        );
        assert_eq!(
            ready_url("[::]:8001".parse().unwrap()),
            "http://[::1]:8001/readyz"
        );
        assert_eq!(
            split("http://todo-chat:8000/readyz"),
            Some(("todo-chat:8000", "/readyz"))
        );
    }
}
