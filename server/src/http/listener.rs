//! The HTTP listener: hyper's connection builder under our own accept loop, because
//! `axum::serve` offers no header read timeout (a client that trickles its headers, slowloris,
//! would hold a connection and its task forever), and our limits on bodies and long-lived
//! connections.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::budget::ConnectionBudget;
use super::{AppState, router};

/// What one client may make the HTTP side hold; every field has a flag on `sala serve`.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// Open board sockets per client address. Generous: a municipal office puts a whole Mesa
    /// behind one address.
    pub sockets_per_client: usize,
    pub sockets_total: usize,
    /// Open dashboard event streams (SSE) per client address, and in all.
    pub streams_per_client: usize,
    pub streams_total: usize,
    /// A client must send its request headers within this long.
    pub header_read_timeout: Duration,
    /// Largest body of a server function or JSON API request.
    pub write_body_bytes: usize,
    /// Largest body of anything else (pages, downloads, sockets and streams take none).
    pub read_body_bytes: usize,
    /// Largest evidence file (a photo, a scanned acta de visita).
    pub evidence_bytes: usize,
    /// On shutdown, how long in-flight requests may take before their connections are dropped
    /// (event streams never end by themselves).
    pub drain_for: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            sockets_per_client: 256,
            sockets_total: 20_000,
            streams_per_client: 16,
            streams_total: 2_000,
            header_read_timeout: Duration::from_secs(10),
            write_body_bytes: 256 * 1024,
            read_body_bytes: 4 * 1024,
            evidence_bytes: 10 * 1024 * 1024,
            drain_for: Duration::from_secs(10),
        }
    }
}

impl HttpLimits {
    pub fn socket_budget(&self) -> ConnectionBudget {
        ConnectionBudget::new(self.sockets_per_client, self.sockets_total)
    }

    pub fn stream_budget(&self) -> ConnectionBudget {
        ConnectionBudget::new(self.streams_per_client, self.streams_total)
    }
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish (for at most
/// [`HttpLimits::drain_for`]).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits.clone();
    let app: Router = router(state);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before we took it: the
                // listener itself is fine; wait a little rather than spin.
                Err(error) => {
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small writes (keystrokes on the live board) must not wait for Nagle's algorithm.
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
        let app = app.clone();
        // The client's address counts failed sign-ins and open connections per address.
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(remote));
            app.clone().oneshot(request)
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(tcp), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.drain_for, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::info!("requests still open after the drain period were dropped");
    }
    Ok(())
}
