//! Presence as the server keeps it: ownership, clocks, expiry.

use super::super::peer::Credential;
use super::*;

#[test]
fn presence_says_what_the_credential_says() {
    let guest = Credential {
        writable: false,
        role: "observador",
        name: Some("Proyector sala 2".into()),
        author: None,
        check_in: None,
    };
    let claimed = r##"{"user":{"name":"Alcalde","role":"coordinador","color":"#b3261e","institution":"JAC"},"editing":"barriers:b1"}"##;
    let stamped: serde_json::Value =
        serde_json::from_str(&stamp(claimed, &guest).unwrap()).unwrap();
    assert_eq!(stamped["user"]["role"], "observador");
    assert_eq!(stamped["user"]["name"], "Proyector sala 2");
    assert_eq!(
        stamped["user"]["institution"], "JAC",
        "what no credential says stays"
    );
    assert_eq!(stamped["user"]["color"], "#b3261e");
    assert_eq!(stamped["editing"], "barriers:b1");

    // Unnamed invitations keep the typed name; bad colours go; odd states get a user.
    let anyone = Credential::writer();
    let odd = stamp(
        r#"{"user":{"name":"Luis","color":"red;background:url(x)"}}"#,
        &anyone,
    );
    let odd: serde_json::Value = serde_json::from_str(&odd.unwrap()).unwrap();
    assert_eq!(odd["user"]["name"], "Luis");
    assert_eq!(odd["user"]["role"], "participante");
    assert!(odd["user"].get("color").is_none());
    let number: serde_json::Value = serde_json::from_str(&stamp("7", &anyone).unwrap()).unwrap();
    assert_eq!(number["user"]["role"], "participante");
    assert_eq!(stamp("null", &anyone).as_deref(), Some("null"));
    assert_eq!(stamp("{no json", &anyone), None);
}

#[test]
fn a_socket_speaks_only_for_its_own_clients() {
    let t0 = Instant::now();
    let mut reg = AwarenessRegistry::default();
    reg.apply(1, &update(10, 1, r#"{"user":{}}"#), t0);
    assert!(reg.may_set(1, ClientID::new(10)));
    assert!(
        !reg.may_set(2, ClientID::new(10)),
        "another socket's client"
    );
    assert!(reg.may_set(2, ClientID::new(11)), "a new client");
    // Once its socket is gone, the id is free again (a tab that reconnects keeps its id).
    reg.remove_connection(1, t0);
    assert!(reg.may_set(2, ClientID::new(10)));
}

fn update(client: u64, clock: u32, json: &str) -> AwarenessUpdate {
    let mut clients = HashMap::new();
    clients.insert(
        ClientID::new(client),
        AwarenessUpdateEntry {
            clock,
            json: json.into(),
        },
    );
    AwarenessUpdate { clients }
}

#[test]
fn newer_clocks_win_and_older_ones_are_ignored() {
    let t0 = Instant::now();
    let mut reg = AwarenessRegistry::default();
    reg.apply(1, &update(10, 2, r#"{"name":"Ana"}"#), t0);
    reg.apply(1, &update(10, 1, r#"{"name":"viejo"}"#), t0);
    let snap = reg.snapshot().unwrap();
    assert_eq!(&*snap.clients[&ClientID::new(10)].json, r#"{"name":"Ana"}"#);
    reg.apply(1, &update(10, 2, "null"), t0);
    assert!(reg.snapshot().is_none(), "same clock with null removes");
    reg.apply(1, &update(10, 2, r#"{"name":"Ana"}"#), t0);
    assert!(
        reg.snapshot().is_none(),
        "a stale duplicate cannot resurrect it"
    );
}

#[test]
fn a_closing_connection_takes_only_its_clients_with_it() {
    let t0 = Instant::now();
    let mut reg = AwarenessRegistry::default();
    reg.apply(1, &update(10, 1, "{}"), t0);
    reg.apply(2, &update(20, 5, "{}"), t0);
    let removal = reg.remove_connection(1, t0).unwrap();
    assert_eq!(removal.clients.len(), 1);
    let entry = &removal.clients[&ClientID::new(10)];
    assert_eq!((entry.clock, &*entry.json), (2, "null"));
    assert_eq!(reg.live_count(), 1);
    assert!(
        reg.remove_connection(1, t0).is_none(),
        "nothing left to remove"
    );
}

#[test]
fn silent_clients_expire_after_thirty_seconds() {
    let t0 = Instant::now();
    let mut reg = AwarenessRegistry::default();
    reg.apply(1, &update(10, 1, "{}"), t0);
    reg.apply(1, &update(11, 1, "{}"), t0 + Duration::from_secs(20));
    assert!(
        reg.sweep(t0 + Duration::from_secs(29), DEFAULT_STALE_AFTER)
            .is_none()
    );
    let removal = reg
        .sweep(t0 + Duration::from_secs(30), DEFAULT_STALE_AFTER)
        .unwrap();
    assert_eq!(
        removal.clients.keys().copied().collect::<Vec<_>>(),
        vec![ClientID::new(10)]
    );
    assert_eq!(reg.live_count(), 1);
}

#[test]
fn a_renewed_entry_outlives_its_first_deadline() {
    let t0 = Instant::now();
    let mut reg = AwarenessRegistry::default();
    reg.apply(1, &update(10, 1, r#"{"name":"Ana"}"#), t0);
    // y-websocket renews every 15 s with the same state and the next clock.
    reg.apply(
        1,
        &update(10, 2, r#"{"name":"Ana"}"#),
        t0 + Duration::from_secs(15),
    );
    assert!(
        reg.sweep(t0 + Duration::from_secs(44), DEFAULT_STALE_AFTER)
            .is_none(),
        "renewed at 15 s, so alive until 45 s"
    );
    let removal = reg
        .sweep(t0 + Duration::from_secs(45), DEFAULT_STALE_AFTER)
        .unwrap();
    assert_eq!(removal.clients[&ClientID::new(10)].clock, 3);
    assert_eq!(reg.live_count(), 0);
}
