//! The task model and the contract's rules for titles and descriptions.

use chrono::{DateTime, Utc};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

todo_common::row_struct! {
    /// A task as the tools and the REST façade return it.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
    pub struct Task {
        /// The task's number in the user's list.
        #[schemars(schema_with = "task_number_schema")]
        pub id: i64,
        /// The title, 1 to 200 characters.
        pub title: String,
        /// The longer details, or null when there are none.
        pub description: Option<String>,
        /// Whether the task is done.
        pub completed: bool,
        /// When the task was added (RFC 3339, UTC).
        #[schemars(schema_with = "timestamp_schema")]
        pub created_at: DateTime<Utc>,
        /// When the task last changed (RFC 3339, UTC).
        #[schemars(schema_with = "timestamp_schema")]
        pub updated_at: DateTime<Utc>,
    }
}

/// A task number in a schema: a plain integer from 1. Not schemars' `"format": "int64"`, which
/// strict JSON Schema validators (Ajv) refuse as an unknown format.
pub fn task_number_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer", "minimum": 1 })
}

/// Tasks in one `list_tasks` page: the default, and the most a caller may ask for.
pub const DEFAULT_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 500;

/// `list_tasks`' `limit` in a schema (plain integer bounds, no `"format"`).
pub fn page_size_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE })
}

/// An offset or a count in a schema: a plain integer from 0.
pub fn count_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "integer", "minimum": 0 })
}

/// A timestamp in a schema, as chrono serialises it (without needing schemars' chrono feature).
fn timestamp_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "format": "date-time" })
}

// Which tasks `list_tasks` returns. Inlined, and with no doc comments on the type or its
// variants, so the tool schema shows a plain string `enum`: the form every model understands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum StatusFilter {
    #[default]
    All,
    Pending,
    Completed,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValidationError {
    #[error("Title must not be empty")]
    EmptyTitle,
    #[error("Title is longer than {MAX_TITLE_CHARS} characters")]
    TitleTooLong,
    #[error("Description is longer than {MAX_DESCRIPTION_CHARS} characters")]
    DescriptionTooLong,
    #[error("Nothing to update: give a new title, a new description, or completed (true or false)")]
    NothingToUpdate,
}

/// A title that meets the contract: 1..=200 characters once trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let title = raw.trim();
        match title.chars().count() {
            0 => Err(ValidationError::EmptyTitle),
            n if n > MAX_TITLE_CHARS => Err(ValidationError::TitleTooLong),
            _ => Ok(Self(title.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A description of at most 1000 characters; blank means "no description".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description(Option<String>);

impl Description {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let text = raw.trim();
        if text.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(ValidationError::DescriptionTooLong);
        }
        Ok(Self((!text.is_empty()).then(|| text.to_owned())))
    }

    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// What `update_task` changes; at least one part is present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskChanges {
    pub title: Option<Title>,
    pub description: Option<Description>,
    /// `Some(true)` completes the task, `Some(false)` reopens it.
    pub completed: Option<bool>,
}

impl TaskChanges {
    pub fn parse(
        title: Option<&str>,
        description: Option<&str>,
        completed: Option<bool>,
    ) -> Result<Self, ValidationError> {
        if title.is_none() && description.is_none() && completed.is_none() {
            return Err(ValidationError::NothingToUpdate);
        }
        Ok(Self {
            title: title.map(Title::parse).transpose()?,
            description: description.map(Description::parse).transpose()?,
            completed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded_in_characters() {
        assert_eq!(Title::parse("  buy milk ").unwrap().as_str(), "buy milk");
        assert_eq!(Title::parse(" \t\n"), Err(ValidationError::EmptyTitle));
        assert!(Title::parse(&"é".repeat(200)).is_ok());
        assert_eq!(
            Title::parse(&"a".repeat(201)),
            Err(ValidationError::TitleTooLong)
        );
    }

    #[test]
    fn descriptions_are_bounded_and_blank_means_none() {
        assert_eq!(Description::parse("  ").unwrap().as_deref(), None);
        assert!(Description::parse(&"x".repeat(1000)).is_ok());
        assert_eq!(
            Description::parse(&"x".repeat(1001)),
            Err(ValidationError::DescriptionTooLong)
        );
    }

    #[test]
    fn an_update_needs_something_to_change() {
        assert_eq!(
            TaskChanges::parse(None, None, None),
            Err(ValidationError::NothingToUpdate)
        );
        assert!(TaskChanges::parse(None, Some(""), None).is_ok());
        assert_eq!(
            TaskChanges::parse(Some(" "), None, None),
            Err(ValidationError::EmptyTitle)
        );
        assert_eq!(
            TaskChanges::parse(Some(" "), None, Some(false)),
            Err(ValidationError::EmptyTitle),
            "a valid completed does not excuse an invalid title"
        );
    }

    #[test]
    fn completed_alone_is_an_update_either_way() {
        for completed in [true, false] {
            assert_eq!(
                TaskChanges::parse(None, None, Some(completed)),
                Ok(TaskChanges {
                    title: None,
                    description: None,
                    completed: Some(completed),
                })
            );
        }
        let both = TaskChanges::parse(Some(" Call mom "), None, Some(false)).unwrap();
        assert_eq!(
            (both.title.as_ref().map(Title::as_str), both.completed),
            (Some("Call mom"), Some(false))
        );
    }
}
