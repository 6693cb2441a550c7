//! An OpenAI model through async-openai, or any OpenAI-compatible server (Ollama, vLLM,
//! LM Studio) through `OPENAI_BASE_URL`.

use std::time::Duration;

use async_openai::{
    Client,
    config::OpenAIConfig,
    error::OpenAIError,
    types::chat::{
        ChatCompletionMessageToolCall, ChatCompletionMessageToolCalls,
        ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
        ChatCompletionRequestSystemMessage, ChatCompletionRequestToolMessage,
        ChatCompletionRequestUserMessage, ChatCompletionTool, ChatCompletionTools,
        CreateChatCompletionRequest, FunctionCall, FunctionObject,
    },
};
use futures::{StreamExt, future::BoxFuture};
use serde_json::Value;

use crate::model::{ChatMessage, Model, ModelError, ModelTurn, TextSink, ToolCall, ToolSpec};

pub const DEFAULT_MODEL: &str = "gpt-4.1-mini";

pub struct OpenAiModel {
    client: Client<OpenAIConfig>,
    model: String,
    /// The most tokens one answer may use (`max_completion_tokens`).
    max_tokens: u32,
}

impl OpenAiModel {
    /// One client (and connection pool) for the life of the process.
    pub fn new(
        api_key: &str,
        base_url: Option<&str>,
        model: &str,
        timeout: Duration,
        max_tokens: u32,
    ) -> Result<Self, ModelError> {
        let mut config = OpenAIConfig::new().with_api_key(api_key);
        if let Some(base) = base_url.filter(|b| !b.is_empty()) {
            config = config.with_api_base(base.trim_end_matches('/'));
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ModelError::Unreachable(e.to_string()))?;
        Ok(Self {
            client: Client::with_config(config).with_http_client(http),
            model: model.to_owned(),
            max_tokens,
        })
    }
}

impl OpenAiModel {
    fn request(&self, messages: &[ChatMessage], tools: &[ToolSpec]) -> CreateChatCompletionRequest {
        CreateChatCompletionRequest {
            model: self.model.clone(),
            messages: messages.iter().map(to_openai).collect(),
            tools: Some(tools.iter().map(tool_to_openai).collect()),
            max_completion_tokens: Some(self.max_tokens),
            ..Default::default()
        }
    }
}

/// A tool call as its streamed pieces arrive.
#[derive(Default)]
struct PartialCall {
    id: String,
    name: String,
    arguments: String,
}

/// A model's tool calls, or else its text, as the turn goes on with them.
fn turn_from(calls: Vec<ToolCall>, text: Option<String>) -> Result<ModelTurn, ModelError> {
    if !calls.is_empty() {
        return Ok(ModelTurn::ToolCalls(calls));
    }
    match text.filter(|c| !c.trim().is_empty()) {
        Some(reply) => Ok(ModelTurn::reply(reply)),
        None => Err(ModelError::Invalid(
            "the answer had neither text nor tool calls".into(),
        )),
    }
}

/// A model that writes broken JSON arguments gets the tool's own "Invalid arguments".
fn arguments(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or(Value::Null)
}

impl Model for OpenAiModel {
    fn respond_streaming<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
        on_text: TextSink<'a>,
    ) -> BoxFuture<'a, Result<(ModelTurn, bool), ModelError>> {
        Box::pin(async move {
            let mut stream = self
                .client
                .chat()
                .create_stream(self.request(messages, tools))
                .await
                .map_err(from_openai)?;
            let mut text = String::new();
            let mut calls: Vec<PartialCall> = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(from_openai)?;
                let Some(choice) = chunk.choices.into_iter().next() else {
                    continue;
                };
                for piece in choice.delta.tool_calls.unwrap_or_default() {
                    let index = piece.index as usize;
                    if calls.len() <= index {
                        calls.resize_with(index + 1, PartialCall::default);
                    }
                    let call = &mut calls[index];
                    if let Some(id) = piece.id {
                        call.id = id;
                    }
                    if let Some(function) = piece.function {
                        call.name
                            .push_str(function.name.as_deref().unwrap_or_default());
                        call.arguments
                            .push_str(function.arguments.as_deref().unwrap_or_default());
                    }
                }
                if let Some(content) = choice.delta.content {
                    // Text that comes with tool calls is not the reply; it is not shown.
                    if calls.is_empty() {
                        on_text(&content);
                    }
                    text.push_str(&content);
                }
            }
            let calls = calls
                .into_iter()
                .filter(|c| !c.name.is_empty())
                .map(|c| ToolCall {
                    id: c.id,
                    name: c.name,
                    arguments: arguments(&c.arguments),
                })
                .collect();
            Ok((turn_from(calls, Some(text))?, true))
        })
    }

    fn respond<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ModelTurn, ModelError>> {
        Box::pin(async move {
            let request = self.request(messages, tools);
            let response = self
                .client
                .chat()
                .create(request)
                .await
                .map_err(from_openai)?;
            let message = response
                .choices
                .into_iter()
                .next()
                .ok_or_else(|| ModelError::Invalid("no choices in the answer".into()))?
                .message;
            let calls: Vec<ToolCall> = message
                .tool_calls
                .unwrap_or_default()
                .into_iter()
                .filter_map(|call| match call {
                    ChatCompletionMessageToolCalls::Function(f) => Some(ToolCall {
                        id: f.id,
                        name: f.function.name,
                        arguments: arguments(&f.function.arguments),
                    }),
                    ChatCompletionMessageToolCalls::Custom(_) => None,
                })
                .collect();
            turn_from(calls, message.content)
        })
    }

    fn name(&self) -> String {
        format!("openai:{}", self.model)
    }
}

fn to_openai(message: &ChatMessage) -> ChatCompletionRequestMessage {
    match message {
        ChatMessage::System { content } => {
            ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage {
                content: content.as_str().into(),
                name: None,
            })
        }
        ChatMessage::User { content } => {
            ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
                content: content.as_str().into(),
                name: None,
            })
        }
        ChatMessage::Assistant {
            content,
            tool_calls,
            ..
        } => {
            #[allow(deprecated)]
            let assistant = ChatCompletionRequestAssistantMessage {
                content: content.as_deref().map(Into::into),
                tool_calls: (!tool_calls.is_empty()).then(|| {
                    tool_calls
                        .iter()
                        .map(|call| {
                            ChatCompletionMessageToolCalls::Function(
                                ChatCompletionMessageToolCall {
                                    id: call.id.clone(),
                                    function: FunctionCall {
                                        name: call.name.clone(),
                                        arguments: call.arguments.to_string(),
                                    },
                                },
                            )
                        })
                        .collect()
                }),
                ..Default::default()
            };
            ChatCompletionRequestMessage::Assistant(assistant)
        }
        ChatMessage::Tool {
            tool_call_id,
            content,
        } => ChatCompletionRequestMessage::Tool(ChatCompletionRequestToolMessage {
            content: content.as_str().into(),
            tool_call_id: tool_call_id.clone(),
        }),
    }
}

fn tool_to_openai(tool: &ToolSpec) -> ChatCompletionTools {
    ChatCompletionTools::Function(ChatCompletionTool {
        function: FunctionObject {
            name: tool.name.clone(),
            description: Some(tool.description.clone()),
            parameters: Some(tool.parameters.clone()),
            strict: None,
        },
    })
}

fn from_openai(error: OpenAIError) -> ModelError {
    match error {
        OpenAIError::Reqwest(e) if e.is_timeout() => ModelError::Timeout,
        OpenAIError::Reqwest(e) => ModelError::Unreachable(e.to_string()),
        OpenAIError::ApiError(e) => ModelError::Upstream(e.to_string()),
        OpenAIError::JSONDeserialize(e, _) => ModelError::Invalid(e.to_string()),
        other => ModelError::Upstream(other.to_string()),
    }
}
