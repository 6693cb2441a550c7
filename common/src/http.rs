//! HTTP plumbing both services share: response helpers, the serve loop with graceful
//! shutdown, and the Prometheus endpoint.

use std::{convert::Infallible, future::Future, net::SocketAddr, sync::Arc, time::Duration};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::{Request, body::Incoming, service::service_fn};
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto, graceful::GracefulShutdown},
};
use prometheus_client::registry::Registry;
use serde::Serialize;
use tokio::{net::TcpListener, sync::Semaphore};

use crate::config::ServeLimits;

pub type Body = BoxBody<Bytes, Infallible>;

/// The header that carries a request's id, from the client (or todo-chat) and back.
pub const REQUEST_ID: &str = "x-request-id";

/// The request's id: the caller's `X-Request-Id` when it is a sane one (letters, digits and
/// `-_.:`, at most 128), else a new one, unique within this process and across restarts.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 128
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(new_request_id, str::to_owned)
}

fn new_request_id() -> String {
    use std::sync::{
        OnceLock,
        atomic::{AtomicU64, Ordering},
    };
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static PROCESS: OnceLock<u64> = OnceLock::new();
    let process = PROCESS.get_or_init(|| {
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        // The low bits of the start time, mixed with the pid: distinct per process.
        (started as u64) ^ (u64::from(std::process::id()) << 40)
    });
    format!(
        "{process:016x}-{:08x}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Returns the request's id with its response.
pub fn with_request_id(mut response: Response<Body>, id: &str) -> Response<Body> {
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// How long in-flight requests may run after SIGTERM before the process exits anyway.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(25);

pub fn body(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

pub fn empty(status: StatusCode) -> Response<Body> {
    with_status(status, Response::new(body(Bytes::new())))
}

pub fn text(status: StatusCode, text: impl Into<String>) -> Response<Body> {
    let mut response = with_status(status, Response::new(body(text.into())));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            let mut response = with_status(status, Response::new(body(bytes)));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "response serialisation failed");
            empty(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// A JSON error body, `{"detail": "..."}`, worded for the person or model reading it.
pub fn error(status: StatusCode, detail: impl Into<String>) -> Response<Body> {
    json(status, &serde_json::json!({ "detail": detail.into() }))
}

/// 401 with the challenge RFC 6750 asks for.
pub fn unauthorized(detail: impl Into<String>) -> Response<Body> {
    let mut response = error(StatusCode::UNAUTHORIZED, detail);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(r#"Bearer realm="todo", error="invalid_token""#),
    );
    response
}

/// 503 for a request beyond the instance's in-flight limit.
fn saturated() -> Response<Body> {
    let mut response = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "This server is at capacity; try again in a moment.",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn with_status(status: StatusCode, mut response: Response<Body>) -> Response<Body> {
    *response.status_mut() = status;
    response
}

pub fn metrics(registry: &Registry) -> Response<Body> {
    let mut out = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut out, registry) {
        tracing::error!(error = %e, "metrics encoding failed");
        return empty(StatusCode::INTERNAL_SERVER_ERROR);
    }
    let mut response = Response::new(body(out));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// Resolves on SIGTERM (Kubernetes, Docker) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Serves `handler` on `listener` until `shutdown` resolves, then stops accepting and lets
/// in-flight requests finish (bounded by [`DRAIN_TIMEOUT`]). `limits` bounds the connections,
/// the requests in flight (beyond them: 503 with Retry-After) and the time to send headers.
pub async fn serve<H, F>(
    listener: TcpListener,
    limits: &ServeLimits,
    handler: H,
    shutdown: impl Future<Output = ()>,
) where
    H: Fn(Request<Incoming>, SocketAddr) -> F + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
{
    let handler = Arc::new(handler);
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // hyper enforces the header read timeout only with a timer.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connections = Arc::new(Semaphore::new(limits.max_open_connections.max(1)));
    let in_flight = Arc::new(Semaphore::new(limits.max_in_flight.max(1)));
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = connections.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Typically EMFILE: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let handler = handler.clone();
        let in_flight = in_flight.clone();
        let service = service_fn(move |request| {
            let handler = handler.clone();
            let permit = in_flight.clone().try_acquire_owned();
            async move {
                let Ok(_permit) = permit else {
                    return Ok::<_, Infallible>(saturated());
                };
                Ok(handler(request, peer).await)
            }
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tracing::info!("shutting down: draining in-flight requests");
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("drain timed out; exiting with requests still open");
    }
}
