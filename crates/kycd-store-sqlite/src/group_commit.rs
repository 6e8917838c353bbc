//! Group commit for the server's frequent writes (token creation, state changes, delivery claims
//! and attempts, purges, audit records).
//!
//! SQLite has one writer at a time and, with `synchronous = FULL`, one fsync per commit: with a
//! transaction per request the server spends its time waiting for the disk (about 1,000 commits/s
//! on the benchmark machine). Here one task owns one write connection; callers hand it their
//! statements as a closure and wait. The task takes every job that is queued, runs them in one
//! `BEGIN IMMEDIATE … COMMIT`, each inside its own SAVEPOINT so a failing job is rolled back
//! alone, and answers each caller only after the COMMIT returned: what a caller is told was
//! stored has been flushed, exactly as before, but one fsync now covers the whole batch. Under
//! light load a batch is one job and nothing waits longer than it did before.

use futures::{FutureExt, future::BoxFuture};
use kycd_store::{StoreError, StoreResult};
use sqlx::{Connection, SqliteConnection};
use std::panic::AssertUnwindSafe;
use tokio::sync::{mpsc, oneshot};

/// The statements of one job, run on the writer's connection inside the batch transaction.
pub(crate) type Work<T> =
    Box<dyn for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, StoreResult<T>> + Send>;

/// Jobs taken into one transaction at most: bounds how long the write lock is held.
const MAX_BATCH: usize = 256;

/// Jobs that may wait for the writer before callers are slowed down (back-pressure).
const QUEUE: usize = 4096;

/// Handle to the writer task; cloning it is cheap, the task stops when every handle is gone.
#[derive(Debug, Clone)]
pub(crate) struct GroupCommit {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl GroupCommit {
    /// Starts the writer task on `connection`, which it owns from now on.
    pub(crate) fn start(connection: SqliteConnection) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE);
        tokio::spawn(write_loop(connection, queue));
        Self { jobs }
    }

    /// Runs `work` in the next batch and returns its result once the batch is committed. An
    /// error from `work` rolls back only its own statements.
    pub(crate) async fn run<T: Send + 'static>(&self, work: Work<T>) -> StoreResult<T> {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Job> = Box::new(Pending { work: Some(work), outcome: None, reply });
        self.jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::database(std::io::Error::other("the SQLite writer task has stopped"))
}

fn batch_failed(error: &str) -> StoreError {
    let message = format!("the write batch failed: {error}");
    // The batch's own statements (BEGIN, COMMIT) fail with SQLITE_FULL on a full disk.
    if error.contains("(code: 13)") {
        return StoreError::StorageFull(message);
    }
    StoreError::database(std::io::Error::other(message))
}

/// A queued job with its result type erased, so one queue holds every kind.
trait Job: Send {
    /// Runs the job's statements; `false` when they failed and must be rolled back.
    fn run<'c>(&'c mut self, connection: &'c mut SqliteConnection) -> BoxFuture<'c, bool>;
    /// Answers the caller once the batch has ended: `Err` when the batch as a whole failed.
    fn finish(self: Box<Self>, batch: Result<(), &str>);
}

struct Pending<T> {
    work: Option<Work<T>>,
    outcome: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T: Send + 'static> Job for Pending<T> {
    fn run<'c>(&'c mut self, connection: &'c mut SqliteConnection) -> BoxFuture<'c, bool> {
        Box::pin(async move {
            let Some(work) = self.work.take() else { return false };
            // A panicking job must not take the writer (and every later write) down with it.
            let outcome = match AssertUnwindSafe(work(connection)).catch_unwind().await {
                Ok(outcome) => outcome,
                Err(_) => Err(batch_failed("a write job panicked")),
            };
            let ok = outcome.is_ok();
            self.outcome = Some(outcome);
            ok
        })
    }

    fn finish(self: Box<Self>, batch: Result<(), &str>) {
        let answer = match (batch, self.outcome) {
            // The job's own error stands whether or not the rest of the batch committed.
            (_, Some(Err(error))) => Err(error),
            (Ok(()), Some(Ok(value))) => Ok(value),
            (Err(error), _) => Err(batch_failed(error)),
            (Ok(()), None) => Err(batch_failed("the job did not run")),
        };
        // The caller may have gone away (request cancelled); its work is committed regardless.
        let _ = self.reply.send(answer);
    }
}

async fn write_loop(mut connection: SqliteConnection, mut queue: mpsc::Receiver<Box<dyn Job>>) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let outcome = run_batch(&mut connection, &mut batch).await;
        if let Err(error) = &outcome {
            tracing::error!(%error, jobs = batch.len(), "SQLite write batch failed");
        }
        let outcome = outcome.as_ref().map(|_| ()).map_err(String::as_str);
        for job in batch.drain(..) {
            job.finish(outcome);
        }
    }
    let _ = connection.close().await;
}

/// Boxed so the writer task's future is provably `Send` (sqlx's executor lifetimes defeat the
/// compiler's inference otherwise).
fn execute<'c>(
    connection: &'c mut SqliteConnection,
    sql: &'static str,
) -> BoxFuture<'c, Result<(), String>> {
    Box::pin(async move {
        sqlx::query(sql).execute(&mut *connection).await.map(|_| ()).map_err(|e| e.to_string())
    })
}

/// One transaction for the whole batch; a job that fails is rolled back to its savepoint.
fn run_batch<'c>(
    connection: &'c mut SqliteConnection,
    batch: &'c mut [Box<dyn Job>],
) -> BoxFuture<'c, Result<(), String>> {
    Box::pin(async move {
        execute(connection, "BEGIN IMMEDIATE").await?;
        let single = batch.len() == 1;
        let mut any_ok = false;
        for job in batch.iter_mut() {
            if single {
                any_ok = job.run(connection).await;
                continue;
            }
            if let Err(error) = execute(connection, "SAVEPOINT job").await {
                let _ = execute(connection, "ROLLBACK").await;
                return Err(error);
            }
            let ok = job.run(connection).await;
            any_ok |= ok;
            let undone = if ok { Ok(()) } else { execute(connection, "ROLLBACK TO job").await };
            if let Err(error) = undone.and(execute(connection, "RELEASE job").await) {
                // The transaction itself is broken (I/O error, disk full …): nothing of it stays.
                let _ = execute(connection, "ROLLBACK").await;
                return Err(error);
            }
        }
        if !any_ok {
            return execute(connection, "ROLLBACK").await;
        }
        if let Err(error) = execute(connection, "COMMIT").await {
            let _ = execute(connection, "ROLLBACK").await;
            return Err(error);
        }
        Ok(())
    })
}
