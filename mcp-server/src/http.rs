//! Streamable HTTP: `/mcp` behind the bearer-token check, plus `/healthz`, `/readyz` and
//! `/metrics`. Served statelessly, so any replica answers any request.

use std::{net::SocketAddr, sync::Arc};

use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::never::NeverSessionManager,
};
use todo_common::{
    http::{self as h, Body},
    identity::JwtKeys,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{
    metrics::Metrics,
    store::TaskStore,
    tools::{Principal, TodoServer},
};

/// An MCP request is a few hundred bytes; this leaves ample room for long titles and
/// descriptions while refusing floods.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct HttpSettings {
    pub allowed_hosts: Vec<String>,
}

struct App {
    keys: JwtKeys,
    store: TaskStore,
    metrics: Arc<Metrics>,
    mcp: StreamableHttpService<TodoServer, NeverSessionManager>,
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
    let prototype = TodoServer::new(store.clone(), Principal::PerRequest, metrics.clone());
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(MAX_BODY_BYTES)
        .with_allowed_hosts(settings.allowed_hosts)
        .with_cancellation_token(cancel.child_token());
    let mcp = StreamableHttpService::new(
        move || Ok(prototype.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let app = Arc::new(App {
        keys,
        store,
        metrics,
        mcp,
    });
    h::serve(
        listener,
        move |request, peer| route(app.clone(), request, peer),
        shutdown,
    )
    .await;
    cancel.cancel();
}

async fn route(app: Arc<App>, mut request: Request<Incoming>, _peer: SocketAddr) -> Response<Body> {
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/healthz") => h::text(StatusCode::OK, "ok"),
        (&Method::GET, "/readyz") => match app.store.db().ping().await {
            Ok(()) => h::text(StatusCode::OK, "ready"),
            Err(e) => {
                tracing::warn!(error = %e, "not ready");
                h::text(StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
            }
        },
        (&Method::GET, "/metrics") => h::metrics(app.metrics.registry()),
        (_, "/mcp") => match app.keys.verify_headers(request.headers()) {
            Ok(user) => {
                request.extensions_mut().insert(user);
                app.mcp.handle(request).await
            }
            Err(e) => h::unauthorized(e.to_string()),
        },
        (_, "/healthz" | "/readyz" | "/metrics") => h::empty(StatusCode::METHOD_NOT_ALLOWED),
        _ => h::error(StatusCode::NOT_FOUND, "no such endpoint"),
    }
}
