//! Streamable HTTP: `/mcp` behind the Host/Origin and bearer-token checks (see
//! `mcp_endpoint.rs` for the layer in front of rmcp), plus `/healthz`, `/readyz` and
//! `/metrics`. Served statelessly, so any replica answers any request.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use todo_common::{
    config::ServeLimits,
    database::Migrations,
    http::{self as h, Body},
    identity::JwtKeys,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// `/readyz` answers within this (plus a little), whatever the database does.
const READY_WITHIN: Duration = Duration::from_millis(200);

use crate::{
    mcp_endpoint::McpEndpoint,
    metrics::Metrics,
    origin::OriginPolicy,
    store::TaskStore,
    tools::{EnabledTools, Principal, TodoServer},
};

pub struct HttpSettings {
    pub limits: ServeLimits,
    pub allowed_hosts: Vec<String>,
    pub tools: EnabledTools,
    /// Which `Host` and `Origin` values `/mcp` accepts.
    pub origins: OriginPolicy,
}

struct App {
    store: TaskStore,
    /// The schema this version needs, for readiness.
    migrations: &'static Migrations,
    metrics: Arc<Metrics>,
    endpoint: McpEndpoint,
}

pub async fn serve(
    listener: TcpListener,
    store: TaskStore,
    keys: JwtKeys,
    settings: HttpSettings,
    shutdown: impl std::future::Future<Output = ()> + Send,
) {
    let metrics = Arc::new(Metrics::default());
    let cancel = CancellationToken::new();
    let prototype = TodoServer::new(store.clone(), Principal::PerRequest, metrics.clone())
        .with_tools(&settings.tools);
    let endpoint = McpEndpoint::new(
        prototype,
        settings.origins,
        settings.allowed_hosts,
        keys,
        cancel.child_token(),
    );
    let app = Arc::new(App {
        store,
        migrations: crate::store::migrations(),
        metrics,
        endpoint,
    });
    let limits = settings.limits.clone();
    h::serve(
        listener,
        &limits,
        move |request, peer| route(app.clone(), request, peer),
        shutdown,
    )
    .await;
    cancel.cancel();
}

/// Serves one request under its id (the caller's `X-Request-Id`, e.g. todo-chat's, or a new
/// one), returns the id, and writes one access log line.
async fn route(app: Arc<App>, request: Request<Incoming>, _peer: SocketAddr) -> Response<Body> {
    let started = Instant::now();
    let request_id = h::request_id(request.headers());
    let method = request.method().clone();
    let path: &'static str = match request.uri().path() {
        "/mcp" => "/mcp",
        "/healthz" | "/livez" => "/livez",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        _ => "other",
    };
    let span = tracing::info_span!("request", request_id = %request_id);
    let response = dispatch(app, request).instrument(span).await;
    tracing::info!(
        request_id,
        method = %method,
        route = path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    h::with_request_id(response, &request_id)
}

async fn dispatch(app: Arc<App>, request: Request<Incoming>) -> Response<Body> {
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/healthz" | "/livez") => h::text(StatusCode::OK, "ok"),
        // Ready once the database answers within the bound with every migration applied.
        (&Method::GET, "/readyz") => {
            match app.store.db().ready(app.migrations, READY_WITHIN).await {
                Ok(()) => h::text(StatusCode::OK, "ready"),
                Err(e) => h::text(StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}")),
            }
        }
        (&Method::GET, "/metrics") => h::metrics(app.metrics.registry()),
        (_, "/mcp") => app.endpoint.handle(request).await,
        (_, "/healthz" | "/livez" | "/readyz" | "/metrics") => {
            h::empty(StatusCode::METHOD_NOT_ALLOWED)
        }
        _ => h::error(StatusCode::NOT_FOUND, "no such endpoint"),
    }
}
