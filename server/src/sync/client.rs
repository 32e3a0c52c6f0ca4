//! A minimal Yjs client over tokio-tungstenite, speaking only the public protocol. Used by the
//! integration tests and by `sala bench`, so it can be pointed at any Yjs server.

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use yrs::updates::decoder::Decode;
use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact, Update};

use super::protocol::{self, Incoming};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("websocket: {0}")]
    WebSocket(#[from] tokio_tungstenite::tungstenite::Error),
    #[error("the server sent an undecodable message: {0}")]
    Decode(#[from] protocol::DecodeError),
    #[error("the server sent an update that does not apply: {0}")]
    BadUpdate(String),
    #[error("connection closed ({code}: {reason})")]
    Closed { code: u16, reason: String },
}

/// What the server sent.
#[derive(Debug)]
pub enum Event {
    Message(Incoming),
    Closed { code: u16, reason: String },
}

pub struct SyncClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub doc: Doc,
}

impl SyncClient {
    pub async fn connect(url: &str, client_id: u64) -> Result<Self, ClientError> {
        let (ws, _) = connect_async(url).await?;
        if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
            let _ = tcp.set_nodelay(true);
        }
        Ok(Self {
            ws,
            doc: Doc::with_client_id(client_id),
        })
    }

    /// Like [`Self::connect`] with a small kernel receive buffer: simulates a slow link (tests).
    pub async fn connect_with_receive_buffer(
        url: &str,
        client_id: u64,
        bytes: u32,
    ) -> Result<Self, ClientError> {
        let request = url.into_client_request()?;
        let host = request.uri().host().unwrap_or("127.0.0.1").to_owned();
        let port = request.uri().port_u16().unwrap_or(80);
        let addr = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(tokio_tungstenite::tungstenite::Error::Io)?
            .next()
            .ok_or_else(|| {
                tokio_tungstenite::tungstenite::Error::Url(
                    tokio_tungstenite::tungstenite::error::UrlError::NoHostName,
                )
            })?;
        let socket = if addr.is_ipv4() {
            tokio::net::TcpSocket::new_v4()
        } else {
            tokio::net::TcpSocket::new_v6()
        }
        .map_err(tokio_tungstenite::tungstenite::Error::Io)?;
        socket
            .set_recv_buffer_size(bytes)
            .map_err(tokio_tungstenite::tungstenite::Error::Io)?;
        let tcp = socket
            .connect(addr)
            .await
            .map_err(tokio_tungstenite::tungstenite::Error::Io)?;
        let (ws, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(tcp)).await?;
        Ok(Self {
            ws,
            doc: Doc::with_client_id(client_id),
        })
    }

    pub async fn send(&mut self, frame: Bytes) -> Result<(), ClientError> {
        self.ws.send(Message::Binary(frame)).await?;
        Ok(())
    }

    pub async fn send_text_frame(&mut self, text: &str) -> Result<(), ClientError> {
        self.ws.send(Message::Text(text.into())).await?;
        Ok(())
    }

    /// The next protocol message or the close, skipping pings.
    pub async fn next_event(&mut self) -> Result<Event, ClientError> {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Binary(frame))) => {
                    return Ok(Event::Message(protocol::decode(&frame)?));
                }
                Some(Ok(Message::Close(frame))) => {
                    let (code, reason) = frame
                        .map(|CloseFrame { code, reason }| (u16::from(code), reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    return Ok(Event::Closed { code, reason });
                }
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => {
                    return Ok(Event::Closed {
                        code: 1006,
                        reason: "connection dropped".into(),
                    });
                }
            }
        }
    }

    /// The next message, applying document updates to [`Self::doc`] and answering SyncStep1.
    pub async fn next_message(&mut self) -> Result<Incoming, ClientError> {
        match self.next_event().await? {
            Event::Closed { code, reason } => Err(ClientError::Closed { code, reason }),
            Event::Message(message) => {
                match &message {
                    Incoming::SyncStep1(sv) => {
                        let diff = self.doc.transact().encode_diff_v1(sv);
                        self.send(protocol::sync_step2(&diff)).await?;
                    }
                    Incoming::SyncStep2(update) | Incoming::Update(update) => self.apply(update)?,
                    _ => {}
                }
                Ok(message)
            }
        }
    }

    /// y-websocket's handshake: send our state vector, answer theirs, return once we have their
    /// state (SyncStep2).
    pub async fn sync(&mut self) -> Result<(), ClientError> {
        let sv = self.doc.transact().state_vector();
        self.send(protocol::sync_step1(&sv)).await?;
        loop {
            if let Incoming::SyncStep2(_) = self.next_message().await? {
                return Ok(());
            }
        }
    }

    pub fn apply(&self, update: &[u8]) -> Result<(), ClientError> {
        let update =
            Update::decode_v1(update).map_err(|e| ClientError::BadUpdate(e.to_string()))?;
        self.doc
            .transact_mut()
            .apply_update(update)
            .map_err(|e| ClientError::BadUpdate(e.to_string()))
    }

    /// Appends `text` to the shared text `name` locally; returns the update to send.
    pub fn append_text(&self, name: &str, text: &str) -> Vec<u8> {
        let shared = self.doc.get_or_insert_text(name);
        let mut txn = self.doc.transact_mut();
        let len = shared.len(&txn);
        shared.insert(&mut txn, len, text);
        txn.encode_update_v1()
    }

    pub fn text(&self, name: &str) -> String {
        self.doc
            .get_or_insert_text(name)
            .get_string(&self.doc.transact())
    }

    pub fn state_vector(&self) -> StateVector {
        self.doc.transact().state_vector()
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}
