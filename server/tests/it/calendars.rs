//! Calendars on the real server: a session's `.ics` for anyone; private feeds of a Mesa's
//! sessions and of one's own sessions, read back with the `icalendar` parser; a revoked feed
//! is not found, and only a signed-in person creates one.

use icalendar::{Calendar, Component};

use crate::common::TestServer;
use crate::identity::{Browser, person_named};

fn events(text: &str) -> Vec<(String, String, String)> {
    let calendar: Calendar = text.parse().expect("valid iCalendar");
    calendar
        .events()
        .map(|e| {
            (
                e.get_uid().unwrap_or_default().to_owned(),
                e.get_summary().unwrap_or_default().to_owned(),
                e.get_url().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn new_feed(server: &TestServer, browser: &Browser, mesa: &str) -> String {
    let (status, body) = browser
        .call(server, "create_calendar_feed", &[("mesa", mesa)])
        .await;
    assert_eq!(status, 200, "{body}");
    let url: String = serde_json::from_str(&body).expect("the URL");
    url.split_once("/calendario/")
        .map(|(_, rest)| format!("/calendario/{rest}"))
        .expect("a feed URL")
}

#[tokio::test]
async fn feeds_list_the_sessions_and_stop_when_revoked() {
    let server = TestServer::start().await;
    let first = server
        .schedule_session("local-07", "2027-02-02T09:00")
        .await;
    let second = server
        .schedule_session("local-07", "2027-03-02T09:00")
        .await;
    let other = server
        .schedule_session("local-08", "2027-02-03T09:00")
        .await;

    // One session, as a file anyone may add to their calendar.
    let (status, text) = server
        .get_text(&format!("/sesiones/{first}/sesion.ics"))
        .await;
    assert_eq!(status, 200);
    let one = events(&text);
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].0, format!("sesion-{first}@sala-situacional"));
    assert!(one[0].2.ends_with(&format!("/sesiones/{first}")));

    let ana = person_named(
        &server,
        "ana@subred.gov.co",
        "Ana Pérez",
        false,
        &[("local-07", "coordinador")],
    )
    .await;
    let mesa_feed = new_feed(&server, &ana, "local-07").await;
    let (status, text) = server.get_text(&mesa_feed).await;
    assert_eq!(status, 200, "{text}");
    let uids: Vec<String> = events(&text).into_iter().map(|e| e.0).collect();
    assert!(uids.contains(&format!("sesion-{first}@sala-situacional")));
    assert!(uids.contains(&format!("sesion-{second}@sala-situacional")));
    assert!(
        !uids.contains(&format!("sesion-{other}@sala-situacional")),
        "only its Mesa"
    );

    // One's own: the sessions of the Mesas one has a role on.
    let own = new_feed(&server, &ana, "").await;
    let (status, text) = server.get_text(&own).await;
    assert_eq!(status, 200);
    assert!(events(&text).iter().any(|e| e.1.contains("sesión 2")));

    // Listed (last use noted), then revoked: gone.
    let (_, list) = ana.call(&server, "calendar_feeds", &[]).await;
    let list: Vec<app::domain::identity::CalendarFeed> = serde_json::from_str(&list).unwrap();
    assert_eq!(list.len(), 2);
    let mesa_entry = list
        .iter()
        .find(|f| f.mesa.as_deref() == Some("local-07"))
        .unwrap();
    assert!(mesa_entry.last_used_at.is_some());
    let id = mesa_entry.id.to_string();
    assert_eq!(
        ana.call(&server, "revoke_calendar_feed", &[("id", &id)])
            .await
            .0,
        200
    );
    let (status, text) = server.get_text(&mesa_feed).await;
    assert_eq!(status, 404);
    assert!(text.contains("revocado"), "{text}");
    assert_eq!(server.get_text("/calendario/inventado.ics").await.0, 404);

    // Someone else's feed cannot be revoked; nobody creates one without signing in.
    let luis = person_named(&server, "luis@subred.gov.co", "Luis", false, &[]).await;
    let own_id = list
        .iter()
        .find(|f| f.mesa.is_none())
        .unwrap()
        .id
        .to_string();
    assert_eq!(
        luis.call(&server, "revoke_calendar_feed", &[("id", &own_id)])
            .await
            .0,
        404
    );
    assert_eq!(server.get_text(&own).await.0, 200, "still Ana's");
    let anonymous = Browser {
        cookie: String::new(),
    };
    assert_eq!(
        anonymous
            .call(&server, "create_calendar_feed", &[("mesa", "")])
            .await
            .0,
        401
    );
}
