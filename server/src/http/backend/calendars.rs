//! Creating a calendar feed: who may subscribe to what (the feed itself is served by
//! `http::calendars`).

use app::domain::identity::Person;
use app::error::AppError;
use app::ssr::RequestContext;
use chrono::Utc;

use super::StoreBackend;
use crate::identity::secrets::{digest, new_secret};

impl StoreBackend {
    /// Mesa feeds are for any signed-in person (a Mesa's dates are public; the token only keeps
    /// the subscription revocable); the personal feed lists the person's own commitments.
    pub(super) async fn new_calendar_feed(
        &self,
        cx: &RequestContext,
        person: &Person,
        mesa: Option<String>,
    ) -> Result<String, AppError> {
        let mesa = mesa.filter(|m| !m.trim().is_empty());
        if let Some(code) = &mesa {
            self.store.get_mesa(code).await?;
        }
        let token = new_secret();
        self.store
            .create_calendar_feed(&digest(&token), person.account, mesa.as_deref(), Utc::now())
            .await?;
        self.audit(
            cx,
            "calendario creado",
            &person.email,
            mesa.as_deref().unwrap_or("sesiones y compromisos propios"),
        )
        .await;
        Ok(format!("{}/calendario/{token}.ics", cx.origin))
    }
}
