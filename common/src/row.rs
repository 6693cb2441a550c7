//! Rows into structs without `#[derive(sqlx::FromRow)]`: the derive's macro crate builds
//! sqlx's whole driver and TLS stack a second time, for the build host (see
//! [`EmbeddedMigrations`](crate::database::EmbeddedMigrations)).

/// Declares a struct whose fields are read from the columns of the same names, on either
/// backend: what `#[derive(sqlx::FromRow)]` generates for such a struct.
#[macro_export]
macro_rules! row_struct {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $($(#[$field_attr:meta])* $field_vis:vis $field:ident: $ty:ty),+ $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $($(#[$field_attr])* $field_vis $field: $ty),+
        }

        impl<'r, R: ::sqlx::Row> ::sqlx::FromRow<'r, R> for $name
        where
            &'static str: ::sqlx::ColumnIndex<R>,
            $($ty: ::sqlx::Decode<'r, R::Database> + ::sqlx::Type<R::Database>,)+
        {
            fn from_row(row: &'r R) -> ::std::result::Result<Self, ::sqlx::Error> {
                Ok(Self {
                    $($field: ::sqlx::Row::try_get(row, stringify!($field))?),+
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, SqliteConnection};

    crate::row_struct! {
        /// A row.
        #[derive(Debug, PartialEq)]
        struct Pair {
            /// The first.
            id: i64,
            name: Option<String>,
        }
    }

    #[tokio::test]
    async fn a_row_struct_reads_its_columns_by_name() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        let pair: Pair = sqlx::query_as("SELECT NULL AS name, 7 AS id")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(pair, Pair { id: 7, name: None });
        let missing = sqlx::query_as::<_, Pair>("SELECT 7 AS id")
            .fetch_one(&mut conn)
            .await;
        assert!(missing.is_err(), "a missing column is an error");
    }
}
