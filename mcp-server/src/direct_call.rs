//! A plain `tools/call` over HTTP, served by rmcp's own request dispatch without rmcp's
//! per-request service.
//!
//! Why: for each stateless POST, `StreamableHttpService` parses the body again (the endpoint
//! has already parsed and checked it), builds a `Peer` and its channels, spawns a service task
//! and a handler task, and passes the answer back over a channel. Under `add_task` load that
//! was about 30% of todo-mcp's CPU, more than the database call.
//!
//! What stays rmcp's: the message type the endpoint already converted the body to, the
//! server's `Service::handle_request` (the dispatch that calls the tool router), the
//! `RequestContext` filled as rmcp fills it (the request's `_meta`, and the HTTP request parts
//! with the verified user as extensions) and the JSON-RPC response type. A test in
//! `mcp_endpoint.rs` sends the same requests both ways and compares the answers byte for byte.
//!
//! Only requests rmcp's stateless POST would serve the same way take this path (see
//! [`DirectCalls::take`]): anything that involves per-request protocol negotiation (the
//! 2026-07-28 `_meta` and standard headers), or any other method, goes to rmcp.

use http::{HeaderMap, request::Parts};
use rmcp::{
    RoleServer, Service,
    model::{
        ClientJsonRpcMessage, ClientRequest, GetExtensions, GetMeta, JsonRpcRequest,
        ProtocolVersion, ServerJsonRpcMessage,
    },
    service::{Peer, RequestContext, RunningService, serve_directly},
};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::{mcp_endpoint::PROTOCOL_HEADER, tools::TodoServer};

pub struct DirectCalls {
    server: TodoServer,
    /// Every handler gets a `Peer` to message the client with. Ours never do (no progress,
    /// no sampling): this one belongs to a service kept idle on an in-memory pipe, whose other
    /// end logs anything sent to it as the bug it would be.
    peer: Peer<RoleServer>,
    _idle: RunningService<RoleServer, TodoServer>,
}

impl DirectCalls {
    /// Must be called inside the Tokio runtime (the idle service is a task).
    pub fn new(server: TodoServer) -> Self {
        let (ours, theirs) = tokio::io::duplex(4096);
        let idle = serve_directly(server.clone(), ours, None);
        tokio::spawn(async move {
            let mut lines = BufReader::new(theirs).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::error!(
                    message = %line,
                    "a tool sent a message to the client during a direct HTTP tools/call; \
                     it was dropped (such a tool must be served through rmcp's session)"
                );
            }
        });
        Self {
            server,
            peer: idle.peer().clone(),
            _idle: idle,
        }
    }

    /// The request when it is a `tools/call` that rmcp's stateless POST would hand to the
    /// server unchanged; `None` when rmcp must serve it (from the body, as it came).
    ///
    /// rmcp's checks this mirrors (its `handle_post` with `json_response`, no required
    /// protocol metadata): an `MCP-Protocol-Version` header, when sent, must name a version
    /// rmcp knows; versions from 2026-07-28 on add the standard-header and `_meta` checks, and
    /// a request whose `_meta` names its own protocol version is negotiated per request. Both
    /// of those go to rmcp.
    pub fn take(
        headers: &HeaderMap,
        message: ClientJsonRpcMessage,
    ) -> Option<JsonRpcRequest<ClientRequest>> {
        let header_allows = match headers.get(PROTOCOL_HEADER) {
            None => true,
            Some(value) => value.to_str().is_ok_and(|version| {
                version < ProtocolVersion::STANDARD_HEADERS.as_str()
                    && ProtocolVersion::KNOWN_VERSIONS
                        .iter()
                        .any(|known| known.as_str() == version)
            }),
        };
        match message {
            ClientJsonRpcMessage::Request(request)
                if header_allows
                    && matches!(request.request, ClientRequest::CallToolRequest(_))
                    && request.request.get_meta().protocol_version().is_none() =>
            {
                Some(request)
            }
            _ => None,
        }
    }

    /// Serves the call as rmcp's service loop would: the context takes the request's `_meta`
    /// and extensions (`parts`, carrying the verified user), the server dispatches it, and the
    /// result or error becomes the JSON-RPC answer. The call is cancelled by being dropped
    /// (the client went away), as rmcp cancels it on disconnect.
    pub async fn call(
        &self,
        request: JsonRpcRequest<ClientRequest>,
        parts: Parts,
    ) -> ServerJsonRpcMessage {
        let JsonRpcRequest {
            id, mut request, ..
        } = request;
        request.extensions_mut().insert(parts);
        let mut context = RequestContext::new(id.clone(), self.peer.clone());
        std::mem::swap(&mut context.meta, request.get_meta_mut());
        std::mem::swap(&mut context.extensions, request.extensions_mut());
        match self.server.handle_request(request, context).await {
            Ok(result) => ServerJsonRpcMessage::response(result, id),
            Err(error) => ServerJsonRpcMessage::error(error, Some(id)),
        }
    }
}
