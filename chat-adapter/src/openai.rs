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
use futures::future::BoxFuture;
use serde_json::Value;

use crate::model::{ChatMessage, Model, ModelError, ModelTurn, ToolCall, ToolSpec};

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

impl Model for OpenAiModel {
    fn respond<'a>(
        &'a self,
        messages: &'a [ChatMessage],
        tools: &'a [ToolSpec],
    ) -> BoxFuture<'a, Result<ModelTurn, ModelError>> {
        Box::pin(async move {
            let request = CreateChatCompletionRequest {
                model: self.model.clone(),
                messages: messages.iter().map(to_openai).collect(),
                tools: Some(tools.iter().map(tool_to_openai).collect()),
                max_completion_tokens: Some(self.max_tokens),
                ..Default::default()
            };
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
                        // A model that writes broken JSON gets the tool's own "Invalid arguments".
                        arguments: serde_json::from_str(&f.function.arguments)
                            .unwrap_or(Value::Null),
                    }),
                    ChatCompletionMessageToolCalls::Custom(_) => None,
                })
                .collect();
            if !calls.is_empty() {
                return Ok(ModelTurn::ToolCalls(calls));
            }
            match message.content.filter(|c| !c.trim().is_empty()) {
                Some(reply) => Ok(ModelTurn::reply(reply)),
                None => Err(ModelError::Invalid(
                    "the answer had neither text nor tool calls".into(),
                )),
            }
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
