//! A local OpenAI-compatible server: answers `POST /v1/chat/completions` from a script and
//! records what it was sent. OpenAI's own servers are the only part of the product replaced.

use std::{
    collections::VecDeque,
    convert::Infallible,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use http_body_util::{BodyExt, Full};
use hyper::{Request, Response, body::Bytes, server::conn::http1, service::service_fn};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

/// One scripted answer.
pub enum Reply {
    ToolCalls(Vec<(&'static str, Value)>),
    Text(&'static str),
    Status(u16),
    Delay(Duration),
    /// The reply after a pause.
    Slow(Duration, Box<Reply>),
}

#[derive(Clone)]
pub struct FakeOpenAi {
    pub addr: SocketAddr,
    script: Arc<Mutex<VecDeque<Reply>>>,
    pub requests: Arc<Mutex<Vec<(String, Value)>>>,
}

impl FakeOpenAi {
    pub async fn start(script: Vec<Reply>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let fake = Self {
            addr: listener.local_addr().expect("addr"),
            script: Arc::new(Mutex::new(script.into())),
            requests: Arc::default(),
        };
        let server = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let server = server.clone();
                        async move { Ok::<_, Infallible>(server.answer(request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        fake
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    async fn answer(&self, request: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
        let auth = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = request
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let streaming = request["stream"] == json!(true);
        self.requests.lock().expect("lock").push((auth, request));
        let mut next = self.script.lock().expect("lock").pop_front();
        while let Some(Reply::Slow(pause, reply)) = next {
            tokio::time::sleep(pause).await;
            next = Some(*reply);
        }
        let message = match next {
            Some(Reply::ToolCalls(calls)) => json!({
                "role": "assistant", "content": null,
                "tool_calls": calls.iter().enumerate().map(|(i, (name, args))| json!({
                    "id": format!("call_{i}"), "type": "function",
                    "function": { "name": name, "arguments": args.to_string() }
                })).collect::<Vec<_>>()
            }),
            Some(Reply::Text(text)) => json!({ "role": "assistant", "content": text }),
            Some(Reply::Status(code)) => {
                let body = json!({ "error": { "message": "scripted failure", "type": "server_error", "param": null, "code": null } });
                let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
                *response.status_mut() = hyper::StatusCode::from_u16(code)
                    .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
                return response;
            }
            Some(Reply::Delay(delay)) => {
                tokio::time::sleep(delay).await;
                json!({ "role": "assistant", "content": "too late" })
            }
            Some(Reply::Slow(..)) | None => {
                json!({ "role": "assistant", "content": "script exhausted" })
            }
        };
        if streaming {
            return stream_of(&message);
        }
        let completion = json!({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "test-model",
            "choices": [{ "index": 0, "message": message, "finish_reason": "stop", "logprobs": null }],
            "usage": { "prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2 }
        });
        let mut response = Response::new(Full::new(Bytes::from(completion.to_string())));
        response
            .headers_mut()
            .insert("content-type", "application/json".parse().expect("header"));
        response
    }
}

/// The message as OpenAI streams it: tool calls in one chunk, text word by word, then `[DONE]`.
fn stream_of(message: &Value) -> Response<Full<Bytes>> {
    let chunk = |delta: Value| {
        let chunk = json!({
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0,
            "model": "test-model",
            "choices": [{ "index": 0, "delta": delta, "finish_reason": null }]
        });
        format!("data: {chunk}\n\n")
    };
    let mut body = chunk(json!({ "role": "assistant" }));
    if let Some(calls) = message["tool_calls"].as_array() {
        let deltas: Vec<Value> = calls
            .iter()
            .enumerate()
            .map(|(index, call)| {
                let mut delta = call.clone();
                delta["index"] = json!(index);
                delta
            })
            .collect();
        body.push_str(&chunk(json!({ "tool_calls": deltas })));
    }
    if let Some(text) = message["content"].as_str() {
        for word in text.split_inclusive(' ') {
            body.push_str(&chunk(json!({ "content": word })));
        }
    }
    body.push_str("data: [DONE]\n\n");
    let mut response = Response::new(Full::new(Bytes::from(body)));
    response
        .headers_mut()
        .insert("content-type", "text/event-stream".parse().expect("header"));
    response
}
