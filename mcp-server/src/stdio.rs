//! MCP over stdin/stdout (newline-delimited JSON-RPC), answering malformed input the way the
//! HTTP endpoint does.
//!
//! rmcp 3.11's stdio transport (`AsyncRwTransport`) ignores a line that is not JSON (no answer
//! at all; see rust-sdk issue #938), answers JSON of the wrong shape with `-32600` and no `id`
//! member, and lets `tools/call` with params of the wrong shape through as a custom request that
//! the handler answers `-32601`. This transport reads the lines itself, checks each with
//! `jsonrpc_guard` (the same checks as HTTP), writes the JSON-RPC error for a bad one
//! (`-32700` / `-32600` with `"id": null`, `-32602` with the request's id) and keeps serving;
//! good messages go to rmcp unchanged.
//!
//! Batches (a JSON array on one line) follow the protocol version negotiated by `initialize`,
//! as over HTTP: rmcp has no batch support, so under 2025-03-26 this transport hands rmcp the
//! members one at a time and keeps back their responses to write them as one array line (see
//! [`Batch`]); before `initialize`, or under a later version, a batch gets one `-32600` line.

use std::{borrow::Cow, collections::VecDeque, io};

use rmcp::{
    RoleServer,
    model::{ClientJsonRpcMessage, JsonRpcMessage, ServerResult},
    service::{RxJsonRpcMessage, TxJsonRpcMessage},
    transport::Transport,
};
use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader},
    sync::{mpsc, oneshot},
    task::JoinHandle,
};

use crate::jsonrpc_guard::{self as guard, BATCH_VERSION, INTERNAL_ERROR, INVALID_REQUEST, Kind};

/// The longest line accepted (rmcp's stdio transport allows 16 MiB).
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

type Ack = oneshot::Sender<io::Result<()>>;

/// A JSON-RPC batch being served. `receive` hands rmcp one member at a time and, after a
/// request, hands it nothing more (and reads no stdin) until `send` has caught that request's
/// response, so the members are handled in order. When the last member is done, `receive`
/// writes the caught answers as one array line (no line if there are none).
struct Batch {
    /// Members not yet handed to rmcp, in order.
    members: VecDeque<Member>,
    /// The id of the member request rmcp is handling now; `send` catches its response.
    awaiting: Option<Value>,
    /// The answers so far, in member order (notifications and client responses get none).
    answers: Vec<Value>,
}

enum Member {
    /// Refused before rmcp (invalid, or `initialize`): this error is the member's answer.
    Refused(Value),
    /// A message for rmcp, with the id when it is a request (an answer is then awaited).
    Forward(Option<Value>, Box<ClientJsonRpcMessage>),
}

pub struct StdioTransport<R> {
    reader: BufReader<R>,
    /// The line being read; kept across cancelled reads (rmcp polls `receive` in a `select!`).
    line: Vec<u8>,
    discarding: bool,
    /// Lines to write, in order, by the writer task; `None` once closed.
    out: Option<mpsc::UnboundedSender<(Vec<u8>, Option<Ack>)>>,
    writer: Option<JoinHandle<()>>,
    /// The protocol version the server answered `initialize` with (seen in `send`).
    negotiated: Option<String>,
    batch: Option<Batch>,
}

/// The process's stdin and stdout.
pub fn transport() -> StdioTransport<tokio::io::Stdin> {
    StdioTransport::new(tokio::io::stdin(), tokio::io::stdout())
}

impl<R: AsyncRead + Unpin + Send> StdioTransport<R> {
    pub fn new<W: AsyncWrite + Unpin + Send + 'static>(read: R, mut write: W) -> Self {
        let (out, mut lines) = mpsc::unbounded_channel::<(Vec<u8>, Option<Ack>)>();
        let writer = tokio::spawn(async move {
            while let Some((line, ack)) = lines.recv().await {
                let result = async {
                    write.write_all(&line).await?;
                    write.flush().await
                }
                .await;
                let failed = result.is_err();
                if let Some(ack) = ack {
                    let _ = ack.send(result);
                }
                if failed {
                    break;
                }
            }
        });
        Self {
            reader: BufReader::new(read),
            line: Vec::new(),
            discarding: false,
            out: Some(out),
            writer: Some(writer),
            negotiated: None,
            batch: None,
        }
    }

    /// One whole line, or `None` at EOF or on a read error. Cancel-safe: partial input stays
    /// in `self.line`.
    async fn read_line(&mut self) -> Option<Result<Vec<u8>, ()>> {
        loop {
            let available = match self.reader.fill_buf().await {
                Ok(available) => available,
                Err(e) => {
                    tracing::error!(error = %e, "reading stdin failed");
                    return None;
                }
            };
            if available.is_empty() {
                return None;
            }
            let newline = available.iter().position(|b| *b == b'\n');
            let take = newline.map_or(available.len(), |i| i + 1);
            let mut oversized = false;
            if self.discarding {
                if newline.is_some() {
                    self.discarding = false;
                }
            } else if self.line.len() + take > MAX_LINE_BYTES {
                self.line.clear();
                self.discarding = newline.is_none();
                oversized = true;
            } else {
                self.line.extend_from_slice(&available[..take]);
            }
            self.reader.consume(take);
            if oversized {
                return Some(Err(()));
            }
            if newline.is_some() && !self.discarding && !self.line.is_empty() {
                return Some(Ok(std::mem::take(&mut self.line)));
            }
        }
    }

    /// Queues a line of our own (an error, or a batch's answers), written in order with the
    /// responses.
    fn answer(&self, answer: Value) {
        if let Some(out) = &self.out {
            let mut line = serde_json::to_vec(&answer).unwrap_or_default();
            line.push(b'\n');
            let _ = out.send((line, None));
        }
    }

    /// Starts serving a batch line, or answers it with one `-32600` error line when the
    /// negotiated protocol version has no batches (or nothing is negotiated yet).
    fn start_batch(&mut self, items: Vec<Value>) {
        let refusal = match self.negotiated.as_deref() {
            Some(BATCH_VERSION) if items.is_empty() => {
                Some("Invalid Request: an empty batch".to_owned())
            }
            Some(BATCH_VERSION) => None,
            Some(version) => Some(format!(
                "Invalid Request: JSON-RPC batches are not supported in MCP protocol version \
                 {version} (batching was removed in 2025-06-18); send one message per line"
            )),
            None => Some(format!(
                "Invalid Request: JSON-RPC batches need MCP protocol version {BATCH_VERSION} \
                 negotiated by initialize first; send one message per line"
            )),
        };
        if let Some(message) = refusal {
            self.answer(guard::error_response(
                Value::Null,
                INVALID_REQUEST,
                &message,
            ));
            return;
        }
        let members = items
            .iter()
            .filter_map(|item| match guard::check_batch_member(item) {
                Ok((Kind::Request { id, .. }, message)) => {
                    Some(Member::Forward(Some(id), Box::new(message)))
                }
                Ok((_, message)) => Some(Member::Forward(None, Box::new(message))),
                // Unanswered, as on a line of its own.
                Err(rejection) if rejection.notification => None,
                Err(rejection) => Some(Member::Refused(rejection.to_json())),
            })
            .collect();
        self.batch = Some(Batch {
            members,
            awaiting: None,
            answers: Vec::new(),
        });
    }

    /// Catches the response to the batch member rmcp is handling (true), instead of writing it.
    fn catch_batch_answer(&mut self, item: &TxJsonRpcMessage<RoleServer>) -> bool {
        let id = match item {
            JsonRpcMessage::Response(response) => Some(&response.id),
            JsonRpcMessage::Error(error) => error.id.as_ref(),
            _ => None,
        };
        let Some(batch) = &mut self.batch else {
            return false;
        };
        let (Some(id), Some(awaited)) = (id, &batch.awaiting) else {
            return false;
        };
        if serde_json::to_value(id).ok().as_ref() != Some(awaited) {
            return false;
        }
        let answer = serde_json::to_value(item).unwrap_or_else(|e| {
            guard::error_response(awaited.clone(), INTERNAL_ERROR, &e.to_string())
        });
        batch.answers.push(answer);
        batch.awaiting = None;
        true
    }

    /// Queues one of rmcp's messages; the receiver says when it has been written.
    fn queue(
        &self,
        item: &TxJsonRpcMessage<RoleServer>,
    ) -> io::Result<oneshot::Receiver<io::Result<()>>> {
        let out = self
            .out
            .as_ref()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "closed"))?;
        let mut line = serde_json::to_vec(item)?;
        line.push(b'\n');
        let (ack, written) = oneshot::channel();
        out.send((line, Some(ack)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "stdout is closed"))?;
        Ok(written)
    }
}

impl<R: AsyncRead + Unpin + Send> Transport<RoleServer> for StdioTransport<R> {
    type Error = io::Error;

    fn name() -> Cow<'static, str> {
        "todo-mcp stdio".into()
    }

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        // The negotiated protocol version is the one the initialize result carries.
        if let JsonRpcMessage::Response(response) = &item
            && let ServerResult::InitializeResult(result) = &response.result
        {
            self.negotiated = Some(result.protocol_version.as_str().to_owned());
        }
        // Queued now (not when the future is polled), so lines keep the order of the calls.
        let queued = if self.catch_batch_answer(&item) {
            None
        } else {
            Some(self.queue(&item))
        };
        async move {
            let Some(written) = queued else {
                return Ok(());
            };
            written?
                .await
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "stdout is closed"))?
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            if let Some(batch) = &mut self.batch {
                if batch.awaiting.is_some() {
                    // rmcp is handling a member request. It polls `receive` in a `select!`
                    // and drops this future to pass the response to `send`, which catches
                    // it; the next call goes on with the batch.
                    std::future::pending::<()>().await;
                }
                match batch.members.pop_front() {
                    Some(Member::Refused(answer)) => batch.answers.push(answer),
                    Some(Member::Forward(id, message)) => {
                        batch.awaiting = id;
                        return Some(*message);
                    }
                    None => {
                        let answers = std::mem::take(&mut batch.answers);
                        self.batch = None;
                        if !answers.is_empty() {
                            self.answer(Value::Array(answers));
                        }
                    }
                }
                continue;
            }
            let line = match self.read_line().await? {
                Ok(line) => line,
                Err(()) => {
                    tracing::warn!("refused a stdin line longer than {MAX_LINE_BYTES} bytes");
                    self.answer(guard::error_response(
                        Value::Null,
                        INVALID_REQUEST,
                        "Invalid Request: the message is too large",
                    ));
                    continue;
                }
            };
            let line = line.strip_suffix(b"\n").unwrap_or(&line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let value = match guard::parse(line) {
                Ok(value) => value,
                Err(rejection) => {
                    self.answer(rejection.to_json());
                    continue;
                }
            };
            if let Value::Array(items) = value {
                self.start_batch(items);
                continue;
            }
            match guard::check(&value) {
                Ok((_, message)) => return Some(message),
                Err(rejection) if rejection.notification => {
                    tracing::debug!(error = %rejection.message, "ignored a malformed notification");
                }
                Err(rejection) => self.answer(rejection.to_json()),
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        // Let the writer finish what is queued, then stop it.
        drop(self.out.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.await;
        }
        Ok(())
    }
}
