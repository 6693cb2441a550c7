//! Streamable HTTP: `/mcp` behind the Host/Origin and bearer-token checks (see
//! `mcp_endpoint.rs` for the layer in front of rmcp), plus `/healthz`, `/readyz` and
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
    mcp_endpoint::McpEndpoint,
    metrics::Metrics,
    origin::OriginPolicy,
    store::TaskStore,
    tools::{EnabledTools, Principal, TodoServer},
};

/// An MCP request is a few hundred bytes; this leaves ample room for long titles and
/// descriptions while refusing floods.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct HttpSettings {
    pub allowed_hosts: Vec<String>,
    pub tools: EnabledTools,
    /// Which `Host` and `Origin` values `/mcp` accepts.
    pub origins: OriginPolicy,
}

struct App {
    store: TaskStore,
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
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_max_request_body_bytes(MAX_BODY_BYTES)
        .with_allowed_hosts(settings.allowed_hosts)
        // Checked by `OriginPolicy` first; rmcp gets the same list as a second line.
        .with_allowed_origins(settings.origins.rmcp_origins())
        .enforce_origin_validation()
        .with_cancellation_token(cancel.child_token());
    let mcp = StreamableHttpService::new(
        move || Ok(prototype.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let endpoint = McpEndpoint {
        policy: settings.origins,
        keys,
        mcp,
        max_body_bytes: MAX_BODY_BYTES,
    };
    let app = Arc::new(App {
        store,
        metrics,
        endpoint,
    });
    h::serve(
        listener,
        move |request, peer| route(app.clone(), request, peer),
        shutdown,
    )
    .await;
    cancel.cancel();
}

async fn route(app: Arc<App>, request: Request<Incoming>, _peer: SocketAddr) -> Response<Body> {
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
        (_, "/mcp") => app.endpoint.handle(request).await,
        (_, "/healthz" | "/readyz" | "/metrics") => h::empty(StatusCode::METHOD_NOT_ALLOWED),
        _ => h::error(StatusCode::NOT_FOUND, "no such endpoint"),
    }
}
