//! The five MCP tools of the contract, over a [`TaskStore`]. Transport and authentication live
//! elsewhere: a tool only learns who is calling from [`Principal`], and refuses a `user_id`
//! that is not that identity.

use std::{sync::Arc, time::Instant};

use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    handler::server::{
        common::{FromContextPart, schema_for_input},
        router::tool::ToolRouter,
        tool::ToolCallContext,
    },
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
        JsonObject, ServerCapabilities, ServerConfig,
    },
    service::RequestContext,
    tool, tool_handler, tool_router,
};
use schemars::JsonSchema;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};
use todo_common::identity::UserId;

use crate::{
    metrics::Metrics,
    store::{StoreError, TaskStore},
    task::{Description, StatusFilter, Task, TaskChanges, Title, ValidationError},
};

/// Whose data the tools act on.
#[derive(Clone, Debug)]
pub enum Principal {
    /// stdio: fixed when the server starts (a verified token, or the configured local user).
    Fixed(UserId),
    /// HTTP: the user the bearer-token layer verified for this request.
    PerRequest,
}

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("Task {0} not found")]
    NotFound(i64),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("Invalid arguments: {0}")]
    Arguments(String),
    #[error("user_id {given:?} is not the signed-in user; use user_id {expected:?}")]
    WrongUser { given: String, expected: String },
    #[error("No verified user for this call")]
    Unauthenticated,
    #[error("The task database is unavailable right now; try again in a moment")]
    Unavailable(#[from] StoreError),
}

/// Tool arguments, deserialised without failing the JSON-RPC request: bad arguments become a
/// tool error the model can read and correct, as MCP asks.
struct Args<T>(Result<T, ToolError>);

impl<S, T: DeserializeOwned> FromContextPart<ToolCallContext<'_, S>> for Args<T> {
    fn from_context_part(context: &mut ToolCallContext<S>) -> Result<Self, ErrorData> {
        let arguments = context.arguments.take().unwrap_or_default();
        Ok(Self(
            serde_json::from_value(Value::Object(arguments))
                .map_err(|e| ToolError::Arguments(e.to_string())),
        ))
    }
}

fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    // The argument types are fixed at compile time; the list_tools tests cover every schema.
    schema_for_input::<T>().unwrap_or_default()
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AddTaskArgs {
    /// The id of the signed-in user whose list this task goes on (see the server instructions).
    user_id: String,
    /// A short title for the task, 1 to 200 characters, e.g. "Buy groceries".
    title: String,
    /// Optional longer details, at most 1000 characters.
    #[serde(default)]
    #[schemars(with = "String")]
    description: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListTasksArgs {
    /// The id of the signed-in user whose tasks to list (see the server instructions).
    user_id: String,
    /// Which tasks to return: "all" (the default), "pending" or "completed".
    #[serde(default)]
    status: StatusFilter,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TaskRefArgs {
    /// The id of the signed-in user who owns the task (see the server instructions).
    user_id: String,
    /// The task's numeric id, as list_tasks or add_task reported it.
    task_id: i64,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateTaskArgs {
    /// The id of the signed-in user who owns the task (see the server instructions).
    user_id: String,
    /// The task's numeric id, as list_tasks or add_task reported it.
    task_id: i64,
    /// The new title, 1 to 200 characters. Omit to keep the current title.
    #[serde(default)]
    #[schemars(with = "String")]
    title: Option<String>,
    /// The new description, at most 1000 characters; an empty string removes it. Omit to keep it.
    #[serde(default)]
    #[schemars(with = "String")]
    description: Option<String>,
    /// true marks the task done, false reopens it. Omit to keep it.
    #[serde(default)]
    #[schemars(with = "bool")]
    completed: Option<bool>,
}

#[derive(Clone)]
pub struct TodoServer {
    store: TaskStore,
    principal: Principal,
    metrics: Arc<Metrics>,
    tool_router: ToolRouter<Self>,
}

impl TodoServer {
    pub fn new(store: TaskStore, principal: Principal, metrics: Arc<Metrics>) -> Self {
        Self {
            store,
            principal,
            metrics,
            tool_router: Self::tool_router(),
        }
    }

    /// The user this call acts for, after checking the model's `user_id` against it.
    fn authorize(
        &self,
        ctx: &RequestContext<RoleServer>,
        given: &str,
    ) -> Result<UserId, ToolError> {
        let caller = match &self.principal {
            Principal::Fixed(user) => user.clone(),
            Principal::PerRequest => ctx
                .extensions
                .get::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<UserId>())
                .cloned()
                .ok_or(ToolError::Unauthenticated)?,
        };
        if caller.as_str() != given {
            return Err(ToolError::WrongUser {
                given: given.to_owned(),
                expected: caller.to_string(),
            });
        }
        Ok(caller)
    }
}

impl TodoServer {
    /// complete_task and delete_task: one task by id, answered with the contract's result.
    async fn by_id(
        &self,
        ctx: &RequestContext<RoleServer>,
        args: Result<TaskRefArgs, ToolError>,
        status: &str,
        verb: &str,
        op: impl AsyncFnOnce(&TaskStore, &UserId, i64) -> Result<Option<Task>, StoreError>,
    ) -> CallToolResult {
        let run = async {
            let args = args?;
            let user = self.authorize(ctx, &args.user_id)?;
            let task = op(&self.store, &user, args.task_id)
                .await?
                .ok_or(ToolError::NotFound(args.task_id))?;
            let summary = format!("{verb} {} (task {})", quoted(&task.title), task.id);
            Ok::<_, ToolError>(change_result(status, &task, summary))
        };
        run.await.unwrap_or_else(failure)
    }
}

/// `{"task_id", "status", "title"}` as the contract gives it, plus the whole task.
fn change_result(status: &str, task: &Task, summary: String) -> CallToolResult {
    let value = json!({ "task_id": task.id, "status": status, "title": task.title, "task": task });
    respond(value.clone(), value, summary)
}

/// content[0] is the contract's JSON result, content[1] a one-line summary; structuredContent
/// carries the same data as an object (MCP requires an object there).
fn respond(result: Value, structured: Value, summary: String) -> CallToolResult {
    let mut out = CallToolResult::success(vec![
        ContentBlock::text(result.to_string()),
        ContentBlock::text(summary),
    ]);
    out.structured_content = Some(structured);
    out
}

impl ToolError {
    /// A stable code for programs (the REST façade maps it to an HTTP status).
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::Invalid(_) | Self::Arguments(_) => "invalid_argument",
            Self::WrongUser { .. } => "permission_denied",
            Self::Unauthenticated => "unauthenticated",
            Self::Unavailable(_) => "unavailable",
        }
    }
}

/// One text a model can relay, plus `{"error", "code"}` as structured content.
fn failure(error: ToolError) -> CallToolResult {
    if let ToolError::Unavailable(cause) = &error {
        tracing::warn!(error = %cause, "tool call failed on the database");
    }
    let message = error.to_string();
    let mut out = CallToolResult::error(vec![ContentBlock::text(message.clone())]);
    out.structured_content = Some(json!({ "error": message, "code": error.code() }));
    out
}

fn quoted(title: &str) -> String {
    format!("'{title}'")
}

#[tool_router]
impl TodoServer {
    #[tool(
        description = "Add a new task to the user's todo list. Returns the new task's id.",
        input_schema = input_schema::<AddTaskArgs>()
    )]
    async fn add_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<AddTaskArgs>,
    ) -> CallToolResult {
        let run = async {
            let args = args?;
            let user = self.authorize(&ctx, &args.user_id)?;
            let title = Title::parse(&args.title)?;
            let description = Description::parse(args.description.as_deref().unwrap_or_default())?;
            let task = self.store.add(&user, &title, &description).await?;
            let summary = format!("Added {} (task {})", quoted(&task.title), task.id);
            Ok::<_, ToolError>(change_result("created", &task, summary))
        };
        run.await.unwrap_or_else(failure)
    }

    #[tool(
        description = "List the user's tasks in the order they were added, with ids, titles, \
                       descriptions and completion state. Filter with status: all, pending or completed.",
        input_schema = input_schema::<ListTasksArgs>(),
        annotations(read_only_hint = true)
    )]
    async fn list_tasks(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<ListTasksArgs>,
    ) -> CallToolResult {
        let run = async {
            let args = args?;
            let user = self.authorize(&ctx, &args.user_id)?;
            let tasks = self.store.list(&user, args.status).await?;
            let pending = tasks.iter().filter(|t| !t.completed).count();
            let summary = format!(
                "{} task(s): {} pending, {} completed",
                tasks.len(),
                pending,
                tasks.len() - pending
            );
            Ok::<_, ToolError>(respond(json!(tasks), json!({ "tasks": tasks }), summary))
        };
        run.await.unwrap_or_else(failure)
    }

    #[tool(
        description = "Mark a task as completed, by its id. Completing a completed task is harmless.",
        input_schema = input_schema::<TaskRefArgs>(),
        annotations(idempotent_hint = true)
    )]
    async fn complete_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<TaskRefArgs>,
    ) -> CallToolResult {
        self.by_id(
            &ctx,
            args,
            "completed",
            "Completed",
            async |store, user, id| store.complete(user, id).await,
        )
        .await
    }

    #[tool(
        description = "Delete a task permanently, by its id.",
        input_schema = input_schema::<TaskRefArgs>(),
        annotations(destructive_hint = true)
    )]
    async fn delete_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<TaskRefArgs>,
    ) -> CallToolResult {
        self.by_id(&ctx, args, "deleted", "Deleted", async |store, user, id| {
            store.delete(user, id).await
        })
        .await
    }

    #[tool(
        description = "Change a task's title, description or completion state, by its id: \
                       completed false reopens a completed task, completed true marks it done. \
                       Give at least one of title, description, completed.",
        input_schema = input_schema::<UpdateTaskArgs>()
    )]
    async fn update_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<UpdateTaskArgs>,
    ) -> CallToolResult {
        let run = async {
            let args = args?;
            let user = self.authorize(&ctx, &args.user_id)?;
            let changes = TaskChanges::parse(
                args.title.as_deref(),
                args.description.as_deref(),
                args.completed,
            )?;
            let task = self
                .store
                .update(&user, args.task_id, &changes)
                .await?
                .ok_or(ToolError::NotFound(args.task_id))?;
            let summary = format!("Updated {} (task {})", quoted(&task.title), task.id);
            Ok::<_, ToolError>(change_result("updated", &task, summary))
        };
        run.await.unwrap_or_else(failure)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for TodoServer {
    fn get_info(&self) -> ServerConfig {
        let who = match &self.principal {
            Principal::Fixed(user) => format!("Pass user_id \"{user}\" in every call."),
            Principal::PerRequest => {
                "Pass the signed-in user's id (the `sub` claim of your bearer token) as user_id in every call."
                    .to_owned()
            }
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("todo-mcp", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "Manage one user's todo list. {who} Tasks are identified by numeric ids: call \
                 list_tasks to find a task's id before completing, deleting or updating it by title."
            ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let started = Instant::now();
        let name = request.name.clone();
        let response = self
            .tool_router
            .call(ToolCallContext::new(self, request, context))
            .await;
        let outcome = match &response {
            Ok(CallToolResponse::Complete(result)) if result.is_error == Some(true) => "tool_error",
            Ok(_) => "ok",
            Err(_) => "rejected",
        };
        self.metrics
            .record_tool_call(&name, outcome, started.elapsed());
        response
    }
}
