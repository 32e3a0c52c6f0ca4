//! Calendar feeds: creating one (the policy's `SubscribeCalendar`), and what a feed holds when
//! a calendar application asks for it (served by `http::calendars`).

use app::domain::identity::{Actor, Person};
use app::domain::names_person;
use app::domain::policy::{self, Act, Target};
use app::error::AppError;
use app::ssr::RequestContext;
use chrono::Utc;
use icalendar::Event;

use super::StoreBackend;
use super::access::{place_of, require};
use crate::calendar::{DueCommitment, calendar, commitment_event, session_event};
use crate::identity::secrets::{digest, new_secret};
use crate::store::{FeedTarget, Store};

impl StoreBackend {
    /// Mesa feeds are for any signed-in person (a Mesa's dates are public; the token only keeps
    /// the subscription revocable); the personal feed lists the person's own commitments.
    pub(super) async fn new_calendar_feed(
        &self,
        cx: &RequestContext,
        person: &Person,
        mesa: Option<String>,
    ) -> Result<String, AppError> {
        require(cx, Act::SubscribeCalendar, &Target::District)?;
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

/// The calendar behind `token`, or `None` when it does not exist or was revoked.
pub(crate) async fn feed_calendar(
    store: &Store,
    token: &str,
    origin: &str,
) -> Result<Option<String>, AppError> {
    let now = Utc::now();
    let Some(target) = store.use_calendar_feed(&digest(token), now).await? else {
        return Ok(None);
    };
    let FeedTarget {
        account_id,
        mesa_code,
    } = target;
    // a deactivated person's feeds stop with their account
    let account = store.account(account_id).await?.account;
    if !account.active {
        return Ok(None);
    }
    if let Some(code) = mesa_code {
        let mesa = store.get_mesa(&code).await?;
        let events = store
            .list_sessions(Some(&code))
            .await?
            .iter()
            .map(|s| session_event(s, &mesa.name, origin, now))
            .collect();
        return Ok(Some(calendar(&format!("Sesiones · {}", mesa.name), events)));
    }
    // One's own: the sessions of every Mesa one has a role on, and the open commitments there
    // that name one as responsible (commitments name people as typed), where the policy lets
    // one read the Mesa's boards today.
    let actor = Actor {
        person: Some(account.person()),
        guest: None,
    };
    let mut events: Vec<Event> = Vec::new();
    for grant in &account.roles {
        let mesa = store.get_mesa(&grant.mesa).await?;
        for session in store.list_sessions(Some(&grant.mesa)).await? {
            events.push(session_event(&session, &mesa.name, origin, now));
        }
        let place = place_of(store, &grant.mesa).await?;
        if !policy::allowed(&actor, Act::ReadBoard, &place.mesa()) {
            continue;
        }
        for carried in store.open_commitments(&grant.mesa, i64::MAX).await? {
            let c = &carried.commitment;
            let Some(due) = c.due else { continue };
            if !names_person(&c.responsible, &account.name) {
                continue;
            }
            events.push(commitment_event(
                &DueCommitment {
                    id: c.id.clone(),
                    description: c.description.clone(),
                    due,
                    mesa_name: mesa.name.clone(),
                    session_id: carried.session_id,
                },
                origin,
                now,
            ));
        }
    }
    Ok(Some(calendar(&format!("Sala · {}", account.name), events)))
}
