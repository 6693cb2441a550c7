//! The five MCP tools of the contract, over a [`TaskStore`]. Transport and authentication live
//! elsewhere: a tool only learns who is calling from [`Principal`], and refuses a `user_id`
//! that is not that identity.
//!
//! Each tool's result is a Rust type ([`TaskChange`], [`TaskList`]): its `outputSchema` is
//! generated from the type, `structuredContent` is the value and the one text block is the same
//! JSON. A failure is an `isError` result whose text is the message and whose
//! `structuredContent` is a [`ToolFailure`]; the `outputSchema` admits both, because clients
//! (the TypeScript SDK among them) validate `structuredContent` even on errors.

use std::{sync::Arc, time::Instant};

use rmcp::{
    ErrorData, Json, RoleServer, ServerHandler,
    handler::server::{
        common::{FromContextPart, schema_for_input},
        router::tool::ToolRouter,
        tool::{IntoCallToolResult, ToolCallContext, schema_for_output},
    },
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
        JsonObject, ServerCapabilities, ServerConfig,
    },
    service::RequestContext,
    tool, tool_handler, tool_router,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;
use todo_common::{TOOL_NAMES, identity::UserId};

use crate::{
    metrics::Metrics,
    store::{Once, StoreError, TaskStore},
    task::{
        DEFAULT_PAGE, Description, MAX_PAGE, StatusFilter, Task, TaskChanges, Title,
        ValidationError, count_schema, page_size_schema, task_number_schema,
    },
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
    #[error("user_id {given:?} is not the signed-in user; leave user_id out, or use {expected:?}")]
    WrongUser { given: String, expected: String },
    #[error("No verified user for this call")]
    Unauthenticated,
    #[error(
        "You have {0} tasks, the most one user can keep; delete or complete and delete some first"
    )]
    TooMany(i64),
    #[error("The task database is unavailable right now; try again in a moment")]
    Unavailable(StoreError),
}

/// What a change did to a task: the contract's task_id, status and title, plus the whole task.
//
// The result of add_task, complete_task, delete_task and update_task.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TaskChange {
    /// The task's number.
    #[schemars(schema_with = "task_number_schema")]
    pub task_id: i64,
    /// What the call did: "created", "completed", "deleted" or "updated".
    pub status: ChangeStatus,
    /// The task's title (after the change).
    pub title: String,
    /// The whole task as it is now (for `delete_task`: as it was).
    pub task: Task,
}

impl TaskChange {
    fn new(status: ChangeStatus, task: Task) -> Json<Self> {
        Json(Self {
            task_id: task.id,
            status,
            title: task.title.clone(),
            task,
        })
    }
}

// What a change did. Inlined, and with no doc comments on the variants, so the schema is a
// plain string `enum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum ChangeStatus {
    Created,
    Completed,
    Deleted,
    Updated,
}

/// The result of `list_tasks` (an object, as MCP structured content must be).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TaskList {
    /// The tasks of this page, in the order they were added.
    pub tasks: Vec<Task>,
    /// How many tasks match the status filter, on every page together.
    #[schemars(schema_with = "count_schema")]
    pub total: i64,
    /// The offset of the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "count_schema")]
    pub next_offset: Option<i64>,
}

/// The structured content of a failed call (`isError: true`).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ToolFailure {
    /// What went wrong, in words a model can relay; also the result's text.
    pub error: String,
    /// A stable code for programs.
    pub code: ErrorCode,
}

// A failure's code. Plain string `enum`, like ChangeStatus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum ErrorCode {
    NotFound,
    InvalidArgument,
    PermissionDenied,
    Unauthenticated,
    LimitReached,
    Unavailable,
}

impl From<StoreError> for ToolError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::TooMany(quota) => Self::TooMany(quota),
            StoreError::KeyReused(tool) => Self::Arguments(format!(
                "_meta {IDEMPOTENCY_KEY:?} was already used for {tool}; use a new key per call"
            )),
            other => Self::Unavailable(other),
        }
    }
}

/// What a tool's `structuredContent` can be; only its schema is used.
#[derive(JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "only the schema of this type is used")]
enum Outcome<T> {
    /// The result of a successful call.
    Done(T),
    /// A failed call (`isError: true`).
    Failed(ToolFailure),
}

/// The `outputSchema` of a tool whose result is `T`: `T`, or a [`ToolFailure`] on error. The
/// root is `"type": "object"` as MCP requires; both branches are objects.
fn output_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    let mut schema = (*schema_for_output::<Outcome<T>>()).clone();
    schema.insert("type".to_owned(), Value::from("object"));
    Arc::new(schema)
}

fn input_schema<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    // The argument types are fixed at compile time; the list_tools tests cover every schema.
    schema_for_input::<T>().unwrap_or_default()
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

// Optional arguments are `Option`s shown to the model as their plain type (`"type": "string"`,
// not `["string", "null"]`) and not required. `skip_serializing_if` keeps schemars from
// writing `"default": null` (these types are only deserialised); `null` is still accepted and
// means "absent".

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AddTaskArgs {
    /// Optional: leave it out to add to the signed-in user's list; any other user's id is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    user_id: Option<String>,
    /// A short title for the task, 1 to 200 characters, e.g. "Buy groceries".
    title: String,
    /// Optional longer details, at most 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    description: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ListTasksArgs {
    /// Optional: leave it out to list the signed-in user's tasks; any other user's id is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    user_id: Option<String>,
    /// Which tasks to return: "all" (the default), "pending" or "completed".
    #[serde(default)]
    status: StatusFilter,
    /// How many tasks to return, 1 to 500 (default 100).
    #[serde(default = "default_page")]
    #[schemars(schema_with = "page_size_schema")]
    limit: u32,
    /// How many tasks to skip: 0 (the default), then the previous answer's next_offset.
    #[serde(default)]
    #[schemars(schema_with = "count_schema")]
    offset: u32,
}

fn default_page() -> u32 {
    DEFAULT_PAGE
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct TaskRefArgs {
    /// Optional: leave it out to act for the signed-in user; any other user's id is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    user_id: Option<String>,
    /// The task's number, as list_tasks or add_task reported it.
    #[schemars(schema_with = "task_number_schema")]
    task_id: i64,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UpdateTaskArgs {
    /// Optional: leave it out to act for the signed-in user; any other user's id is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    user_id: Option<String>,
    /// The task's number, as list_tasks or add_task reported it.
    #[schemars(schema_with = "task_number_schema")]
    task_id: i64,
    /// The new title, 1 to 200 characters. Omit to keep the current title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    title: Option<String>,
    /// The new description, at most 1000 characters; an empty string removes it. Omit to keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    description: Option<String>,
    /// true marks the task done, false reopens it. Omit to keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "bool")]
    completed: Option<bool>,
}

/// The tools a server offers: all five, or fewer for an IDE (`--read-only`, `--tools`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnabledTools(Vec<String>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectionError {
    #[error("there is no tool named {0:?}; the tools are: {names}", names = TOOL_NAMES.join(", "))]
    Unknown(String),
    #[error("read-only mode leaves none of the chosen tools ({0}); the read-only tools are: {1}")]
    NoneLeft(String, String),
}

impl EnabledTools {
    pub fn all() -> Self {
        Self(TOOL_NAMES.iter().map(|t| (*t).to_owned()).collect())
    }

    /// `only` (every tool when `None`), and with `read_only` only the tools annotated read-only.
    pub fn select(read_only: bool, only: Option<&[String]>) -> Result<Self, SelectionError> {
        let router = TodoServer::tool_router();
        let chosen: Vec<String> = match only {
            None => Self::all().0,
            Some(names) => {
                if let Some(unknown) = names.iter().find(|n| !router.has_route(n.as_str())) {
                    return Err(SelectionError::Unknown(unknown.clone()));
                }
                names.to_vec()
            }
        };
        let is_read_only = |name: &String| {
            router
                .get(name)
                .and_then(|tool| tool.annotations.as_ref())
                .and_then(|a| a.read_only_hint)
                == Some(true)
        };
        let enabled: Vec<String> = TOOL_NAMES
            .iter()
            .map(|t| (*t).to_owned())
            .filter(|t| chosen.contains(t) && (!read_only || is_read_only(t)))
            .collect();
        if enabled.is_empty() {
            let read_only_tools: Vec<String> =
                Self::all().0.into_iter().filter(is_read_only).collect();
            return Err(SelectionError::NoneLeft(
                chosen.join(", "),
                read_only_tools.join(", "),
            ));
        }
        Ok(Self(enabled))
    }

    pub fn names(&self) -> &[String] {
        &self.0
    }
}

#[derive(Clone)]
pub struct TodoServer {
    store: TaskStore,
    principal: Principal,
    metrics: Arc<Metrics>,
    /// Shared: over HTTP every request gets its own copy of the server.
    tool_router: Arc<ToolRouter<Self>>,
}

impl TodoServer {
    pub fn new(store: TaskStore, principal: Principal, metrics: Arc<Metrics>) -> Self {
        Self {
            store,
            principal,
            metrics,
            tool_router: Arc::new(Self::tool_router()),
        }
    }

    /// Offers only `enabled`: the others are neither listed nor callable.
    pub fn with_tools(mut self, enabled: &EnabledTools) -> Self {
        for name in TOOL_NAMES {
            if !enabled.names().iter().any(|n| n == name) {
                Arc::make_mut(&mut self.tool_router).disable_route(name);
            }
        }
        self
    }

    fn enabled_names(&self) -> Vec<String> {
        TOOL_NAMES
            .iter()
            .filter(|name| self.tool_router.has_route(name))
            .map(|name| (*name).to_owned())
            .collect()
    }

    /// The user this call acts for: the verified identity. A `user_id` the model gave must be
    /// that identity; leaving it out is the normal case.
    fn authorize(
        &self,
        ctx: &RequestContext<RoleServer>,
        given: Option<&str>,
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
        match given {
            Some(given) if given != caller.as_str() => Err(ToolError::WrongUser {
                given: given.to_owned(),
                expected: caller.to_string(),
            }),
            _ => Ok(caller),
        }
    }

    /// complete_task and delete_task: one task by number.
    async fn by_id(
        &self,
        ctx: &RequestContext<RoleServer>,
        args: Result<TaskRefArgs, ToolError>,
        status: ChangeStatus,
        op: impl AsyncFnOnce(
            &TaskStore,
            &UserId,
            i64,
            Option<Once<'_>>,
        ) -> Result<Option<Task>, StoreError>,
    ) -> Result<Json<TaskChange>, ToolError> {
        let args = args?;
        let user = self.authorize(ctx, args.user_id.as_deref())?;
        let key = idempotency_key(ctx)?;
        let tool = match status {
            ChangeStatus::Completed => "complete_task",
            ChangeStatus::Deleted => "delete_task",
            ChangeStatus::Created => "add_task",
            ChangeStatus::Updated => "update_task",
        };
        let once = key.as_deref().map(|key| Once { key, tool });
        let task = op(&self.store, &user, args.task_id, once)
            .await?
            .ok_or(ToolError::NotFound(args.task_id))?;
        Ok(TaskChange::new(status, task))
    }
}

/// The `tools/call` `_meta` key under which a caller makes a change at most once: a repeat of
/// the key answers what the first call did (todo-chat sends one for every call of a turn, so a
/// turn retried after a crash changes nothing twice).
pub const IDEMPOTENCY_KEY: &str = "io.todochatbot/idempotency-key";
const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;

fn idempotency_key(ctx: &RequestContext<RoleServer>) -> Result<Option<String>, ToolError> {
    match ctx.meta.0.0.get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(Value::String(key))
            if !key.is_empty() && key.chars().count() <= MAX_IDEMPOTENCY_KEY_CHARS =>
        {
            Ok(Some(key.clone()))
        }
        Some(_) => Err(ToolError::Arguments(format!(
            "_meta {IDEMPOTENCY_KEY:?} must be a string of 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters"
        ))),
    }
}

impl ToolError {
    /// A stable code for programs (the REST façade maps it to an HTTP status).
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Invalid(_) | Self::Arguments(_) => ErrorCode::InvalidArgument,
            Self::WrongUser { .. } => ErrorCode::PermissionDenied,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::TooMany(_) => ErrorCode::LimitReached,
            Self::Unavailable(_) => ErrorCode::Unavailable,
        }
    }
}

/// A failed call: `isError`, one text a model can relay, and a [`ToolFailure`] as structured
/// content.
impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, ErrorData> {
        if let Self::Unavailable(cause) = &self {
            tracing::warn!(error = %cause, "tool call failed on the database");
        }
        let failure = ToolFailure {
            error: self.to_string(),
            code: self.code(),
        };
        let structured = serde_json::to_value(&failure)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        let mut out = CallToolResult::error(vec![ContentBlock::text(failure.error)]);
        out.structured_content = Some(structured);
        Ok(out.into())
    }
}

// Every tool sets its title (top level, and in the annotations for clients of the 2025-03-26
// protocol) and all four hints; none reaches beyond the user's own list (openWorldHint false).
#[tool_router]
impl TodoServer {
    #[tool(
        title = "Add a task",
        description = "Add a new task to the signed-in user's todo list. Returns the new task and \
                       its number.",
        input_schema = input_schema::<AddTaskArgs>(),
        output_schema = output_schema::<TaskChange>(),
        annotations(
            title = "Add a task",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = false
        )
    )]
    async fn add_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<AddTaskArgs>,
    ) -> Result<Json<TaskChange>, ToolError> {
        let args = args?;
        let user = self.authorize(&ctx, args.user_id.as_deref())?;
        let title = Title::parse(&args.title)?;
        let description = Description::parse(args.description.as_deref().unwrap_or_default())?;
        let key = idempotency_key(&ctx)?;
        let once = key.as_deref().map(|key| Once {
            key,
            tool: "add_task",
        });
        let task = self.store.add(&user, &title, &description, once).await?;
        Ok(TaskChange::new(ChangeStatus::Created, task))
    }

    #[tool(
        title = "List tasks",
        description = "List the signed-in user's tasks in the order they were added, with \
                       numbers, titles, descriptions and completion state. Filter with status: \
                       all, pending or completed.",
        input_schema = input_schema::<ListTasksArgs>(),
        output_schema = output_schema::<TaskList>(),
        annotations(
            title = "List tasks",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_tasks(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<ListTasksArgs>,
    ) -> Result<Json<TaskList>, ToolError> {
        let args = args?;
        let user = self.authorize(&ctx, args.user_id.as_deref())?;
        if !(1..=MAX_PAGE).contains(&args.limit) {
            return Err(ToolError::Arguments(format!(
                "limit must be from 1 to {MAX_PAGE}"
            )));
        }
        let page = self
            .store
            .list(&user, args.status, args.limit, args.offset)
            .await?;
        let end = i64::from(args.offset) + page.tasks.len() as i64;
        Ok(Json(TaskList {
            next_offset: (end < page.total).then_some(end),
            tasks: page.tasks,
            total: page.total,
        }))
    }

    #[tool(
        title = "Complete a task",
        description = "Mark a task as completed, by its number. Completing a completed task is \
                       harmless.",
        input_schema = input_schema::<TaskRefArgs>(),
        output_schema = output_schema::<TaskChange>(),
        annotations(
            title = "Complete a task",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn complete_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<TaskRefArgs>,
    ) -> Result<Json<TaskChange>, ToolError> {
        self.by_id(
            &ctx,
            args,
            ChangeStatus::Completed,
            async |store, user, id, once| store.complete(user, id, once).await,
        )
        .await
    }

    #[tool(
        title = "Delete a task",
        description = "Delete a task permanently, by its number.",
        input_schema = input_schema::<TaskRefArgs>(),
        output_schema = output_schema::<TaskChange>(),
        annotations(
            title = "Delete a task",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn delete_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<TaskRefArgs>,
    ) -> Result<Json<TaskChange>, ToolError> {
        self.by_id(
            &ctx,
            args,
            ChangeStatus::Deleted,
            async |store, user, id, once| store.delete(user, id, once).await,
        )
        .await
    }

    #[tool(
        title = "Update a task",
        description = "Change a task's title, description or completion state, by its number: \
                       completed false reopens a completed task, completed true marks it done. \
                       Give at least one of title, description, completed.",
        input_schema = input_schema::<UpdateTaskArgs>(),
        output_schema = output_schema::<TaskChange>(),
        annotations(
            title = "Update a task",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn update_task(
        &self,
        ctx: RequestContext<RoleServer>,
        Args(args): Args<UpdateTaskArgs>,
    ) -> Result<Json<TaskChange>, ToolError> {
        let args = args?;
        let user = self.authorize(&ctx, args.user_id.as_deref())?;
        let changes = TaskChanges::parse(
            args.title.as_deref(),
            args.description.as_deref(),
            args.completed,
        )?;
        let key = idempotency_key(&ctx)?;
        let once = key.as_deref().map(|key| Once {
            key,
            tool: "update_task",
        });
        let task = self
            .store
            .update(&user, args.task_id, &changes, once)
            .await?
            .ok_or(ToolError::NotFound(args.task_id))?;
        Ok(TaskChange::new(ChangeStatus::Updated, task))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for TodoServer {
    fn get_info(&self) -> ServerConfig {
        let who = match &self.principal {
            Principal::Fixed(user) => format!(
                "Manage the todo list of user \"{user}\". Every tool acts for that user: leave \
                 user_id out (or pass \"{user}\")."
            ),
            Principal::PerRequest => "Manage the signed-in user's todo list. Every tool acts for \
                 the user this connection signed in as: leave user_id out; any other user_id is \
                 refused."
                .to_owned(),
        };
        let enabled = self.enabled_names();
        let limited = if enabled.len() < TOOL_NAMES.len() {
            format!(
                " Only these tools are enabled here: {}.",
                enabled.join(", ")
            )
        } else {
            String::new()
        };
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("todo-mcp", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "{who} Tasks are identified by their numbers: call list_tasks to find a task's \
                 number before completing, deleting or updating it by title.{limited}"
            ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let started = Instant::now();
        let name = request.name.clone();
        let response = if self.tool_router.has_route(&name) {
            self.tool_router
                .call(ToolCallContext::new(self, request, context))
                .await
        } else {
            Err(self.not_offered(&name))
        };
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

impl TodoServer {
    /// A call to a tool this server does not offer: a protocol error, as for any unknown tool,
    /// that names the tools it does offer.
    fn not_offered(&self, name: &str) -> ErrorData {
        let enabled = self.enabled_names().join(", ");
        let message = if TOOL_NAMES.contains(&name) {
            format!("Tool {name:?} is not enabled on this server; the enabled tools are: {enabled}")
        } else {
            format!("There is no tool named {name:?}; the enabled tools are: {enabled}")
        };
        ErrorData::invalid_params(message, None)
    }
}
