//! The migrations and `src/db/schema.rs` agree: every migration's `down.sql` undoes it
//! and the migrations apply again to the same schema, and every column diesel is told
//! about exists with its type and nullability, as every column of those tables is
//! told about.

use std::collections::{BTreeMap, BTreeSet};

use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::AsyncPgConnection;
use diesel_migrations::MigrationHarness;

use crate::common::TestApp;

/// The database's tables, columns, indexes and constraints, as text, sorted.
async fn shape(app: &TestApp) -> Vec<String> {
    let rows = app
        .sql(
            "SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
                    || ' ' || coalesce(column_default, '')
               FROM information_schema.columns WHERE table_schema = 'public'
             UNION ALL
             SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
             UNION ALL
             SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid)
               FROM pg_constraint WHERE connamespace = 'public'::regnamespace
             ORDER BY 1",
        )
        .await;
    rows.iter().map(|r| r.get(0)).collect()
}

#[tokio::test]
async fn every_migration_reverts_whole_and_applies_again_to_the_same_schema() {
    let app = TestApp::database_only(false).await;
    let migrated = shape(&app).await;
    let url = app.database_url();
    let reverted = tokio::task::spawn_blocking(move || {
        use diesel::Connection;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url).unwrap();
        conn.revert_all_migrations(concord::db::MIGRATIONS)
            .unwrap_or_else(|e| panic!("a down.sql failed: {e}"));
        url
    })
    .await
    .unwrap();
    let left: Vec<String> = app
        .sql(
            "SELECT table_name::text FROM information_schema.tables
              WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .await
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(left, Vec::<String>::new(), "the down.sql files leave these tables");
    tokio::task::spawn_blocking(move || {
        use diesel::Connection;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&reverted).unwrap();
        conn.run_pending_migrations(concord::db::MIGRATIONS)
            .unwrap_or_else(|e| panic!("a migration failed the second time: {e}"));
    })
    .await
    .unwrap();
    assert_eq!(shape(&app).await, migrated);
}

/// The PostgreSQL type diesel's SQL type stands for.
fn pg_type(diesel: &str) -> &'static str {
    match diesel {
        "Uuid" => "uuid",
        "Text" => "text",
        "Int4" => "integer",
        "Int8" => "bigint",
        "Bool" => "boolean",
        "Timestamptz" => "timestamp with time zone",
        "Date" => "date",
        "Numeric" => "numeric",
        "Jsonb" => "jsonb",
        "Bytea" => "bytea",
        "Bpchar" => "character",
        t if t.starts_with("Array<") => "ARRAY",
        "Float8" => "double precision",
        "Int2" => "smallint",
        "Timestamp" => "timestamp without time zone",
        other => panic!("schema.rs: no PostgreSQL type known for `{other}`"),
    }
}

/// `src/db/schema.rs` read as the columns it declares: table → column → (type,
/// nullable).
fn declared() -> BTreeMap<String, BTreeMap<String, (String, bool)>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs")).unwrap();
    let mut tables = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line
            .strip_suffix(") {")
            .and_then(|l| l.split_once(" ("))
            .map(|(n, _)| n)
        {
            current = Some(name.to_string());
            tables.insert(name.to_string(), BTreeMap::new());
        } else if line == "}" {
            current = None;
        } else if let (Some(table), Some((column, ty))) = (&current, line.trim_end_matches(',').split_once(" -> ")) {
            let (ty, nullable) = match ty.strip_prefix("Nullable<").and_then(|t| t.strip_suffix('>')) {
                Some(inner) => (inner, true),
                None => (ty, false),
            };
            let column = column.trim_start_matches("r#").to_string();
            tables
                .get_mut(table)
                .unwrap()
                .insert(column, (pg_type(ty).to_string(), nullable));
        }
    }
    tables
}

#[tokio::test]
async fn schema_rs_declares_every_column_of_its_tables_as_the_migrations_make_it() {
    let app = TestApp::database_only(false).await;
    let declared = declared();
    assert!(declared.len() > 30, "schema.rs read: {} tables", declared.len());
    let mut actual: BTreeMap<String, BTreeMap<String, (String, bool)>> = BTreeMap::new();
    for row in app
        .sql(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'YES'
               FROM information_schema.columns WHERE table_schema = 'public'",
        )
        .await
    {
        actual
            .entry(row.get(0))
            .or_default()
            .insert(row.get(1), (row.get(2), row.get(3)));
    }
    let mut differences = BTreeSet::new();
    for (table, columns) in &declared {
        let Some(real) = actual.get(table) else {
            differences.insert(format!("{table}: in schema.rs, not in the database"));
            continue;
        };
        for (column, declared) in columns {
            match real.get(column) {
                None => differences.insert(format!("{table}.{column}: in schema.rs, not in the database")),
                Some(real) if real != declared => differences.insert(format!(
                    "{table}.{column}: schema.rs says {declared:?}, the database {real:?}"
                )),
                Some(_) => false,
            };
        }
        for column in real.keys().filter(|c| !columns.contains_key(*c)) {
            differences.insert(format!("{table}.{column}: in the database, not in schema.rs"));
        }
    }
    assert_eq!(differences, BTreeSet::new());
}
