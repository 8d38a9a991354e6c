//! Database access: the connection pool, migrations, the local cluster, backups.

pub mod backup;
pub mod local_cluster;
pub mod schema;

use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::AsyncPgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

/// The migrations compiled into the binary, so a release needs no source tree.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The pool every request draws its connection from.
pub type DbPool = Pool<AsyncPgConnection>;

tokio::task_local! {
    /// How many pooled connections the request being served holds now.
    static HELD_BY_REQUEST: std::cell::Cell<usize>;
}

/// Serves `request` counting the pooled connections it holds: a request that asks
/// for a second while it holds one could, with enough such requests at once, hold
/// the whole pool waiting for more. The server wraps every request in it.
pub async fn one_connection_per_request<F: std::future::Future>(request: F) -> F::Output {
    HELD_BY_REQUEST.scope(std::cell::Cell::new(0), request).await
}

/// One pooled connection, counted against the request holding it (see
/// [`one_connection_per_request`]); it goes back to the pool when dropped.
pub struct DbConn {
    conn: Object<AsyncPgConnection>,
    counted: bool,
}

impl std::ops::Deref for DbConn {
    type Target = AsyncPgConnection;
    fn deref(&self) -> &AsyncPgConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for DbConn {
    fn deref_mut(&mut self) -> &mut AsyncPgConnection {
        &mut self.conn
    }
}

impl Drop for DbConn {
    fn drop(&mut self) {
        if self.counted {
            let _ = HELD_BY_REQUEST.try_with(|held| held.set(held.get().saturating_sub(1)));
        }
    }
}

/// How long one statement may run, and wait for a lock, on a serving connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// PostgreSQL's `statement_timeout`.
    pub statement: std::time::Duration,
    /// PostgreSQL's `lock_timeout`.
    pub lock: std::time::Duration,
}

/// Builds a pool of at most `max_size` connections to `database_url`.
pub fn pool(database_url: &str, max_size: usize) -> Result<DbPool, AppError> {
    pool_with(database_url, max_size, None)
}

/// [`pool`] for serving requests: every connection runs with `timeouts`, so a request
/// stuck behind a lock or on a runaway query gives its connection back (answered 503,
/// to retry) instead of holding it while others wait for one.
pub fn pool_with(database_url: &str, max_size: usize, timeouts: Option<Timeouts>) -> Result<DbPool, AppError> {
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};
    use futures_util::FutureExt;
    // No test query on every checkout: it would cost a round trip per request (three
    // for a vote). A connection that died is reported as 503 on its first use and
    // dropped by the pool.
    let mut config = diesel_async::pooled_connection::ManagerConfig::default();
    config.recycling_method = diesel_async::pooled_connection::RecyclingMethod::Fast;
    if let Some(timeouts) = timeouts {
        // Set once per connection, when it is opened: no cost per request.
        let setup = format!(
            "SET statement_timeout = {}; SET lock_timeout = {}",
            timeouts.statement.as_millis(),
            timeouts.lock.as_millis()
        );
        config.custom_setup = Box::new(move |url| {
            let setup = setup.clone();
            let url = url.to_string();
            async move {
                let mut conn = AsyncPgConnection::establish(&url).await?;
                conn.batch_execute(&setup)
                    .await
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(conn)
            }
            .boxed()
        });
    }
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Pool::builder(manager)
        .max_size(max_size)
        .wait_timeout(Some(std::time::Duration::from_secs(10)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| AppError::internal(format!("database pool: {e}")))
}

/// Takes a connection from the pool; an unreachable database is a 503, not a 500.
/// Within a request that already holds one, it is refused in debug builds (the
/// tests) and logged in release builds.
pub async fn conn(pool: &DbPool) -> Result<DbConn, AppError> {
    let already_held = HELD_BY_REQUEST.try_with(|held| held.get()).ok();
    if already_held.is_some_and(|n| n > 0) {
        tracing::error!("a request asked for a second database connection while holding one");
        if cfg!(debug_assertions) {
            return Err(AppError::internal(
                "a request asked for a second database connection while holding one",
            ));
        }
    }
    let conn = pool.get().await.map_err(|e| {
        tracing::warn!(error = %e, "no database connection");
        AppError::Unavailable
    })?;
    let counted = HELD_BY_REQUEST.try_with(|held| held.set(held.get() + 1)).is_ok();
    Ok(DbConn { conn, counted })
}

/// Applies every pending migration and returns the names of those applied.
pub async fn migrate(database_url: &str) -> Result<Vec<String>, AppError> {
    let url = database_url.to_string();
    tokio::task::spawn_blocking(move || {
        use diesel::Connection;
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .map_err(|e| AppError::internal(format!("cannot connect to the database: {e}")))?;
        // Several instances started at once would each apply the same migrations and
        // all but one fail: they take turns (the lock ends with the session).
        diesel::RunQueryDsl::execute(
            diesel::sql_query("SELECT pg_advisory_lock(hashtextextended('concord:migrations', 0))"),
            &mut conn,
        )
        .map_err(|e| AppError::internal(format!("cannot lock the migrations: {e}")))?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| AppError::internal(format!("migration failed: {e}")))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    })
    .await
    .map_err(|e| AppError::internal(format!("migration task: {e}")))?
}

/// Creates `database` on the server reached by `admin_url` unless it exists.
pub async fn ensure_database(admin_url: &str, database: &str) -> Result<(), AppError> {
    let (client, connection) = tokio_postgres::connect(admin_url, tokio_postgres::NoTls)
        .await
        .map_err(|e| AppError::internal(format!("cannot connect to the local cluster: {e}")))?;
    let driver = tokio::spawn(connection);
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&database])
        .await
        .map_err(|e| AppError::internal(e.to_string()))?
        .is_some();
    if !exists {
        let sql = format!("CREATE DATABASE \"{}\"", database.replace('"', "\"\""));
        client
            .batch_execute(&sql)
            .await
            .map_err(|e| AppError::internal(e.to_string()))?;
    }
    drop(client);
    let _ = driver.await;
    Ok(())
}
