//! The room's unit tests (sans I/O: frames in, effects out).

use std::collections::HashMap;

use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
use yrs::{ClientID, GetString, Text};

use super::super::awareness::{
    MAX_BYTES_PER_CONNECTION, MAX_CLIENTS_PER_CONNECTION, MAX_STATE_BYTES,
};

use super::*;

fn edit(client: u64, text: &str) -> Vec<u8> {
    let doc = Doc::with_client_id(client);
    let t = doc.get_or_insert_text("notes");
    let mut txn = doc.transact_mut();
    t.insert(&mut txn, 0, text);
    txn.encode_update_v1()
}

fn text_of(room: &Room) -> String {
    room.doc()
        .get_or_insert_text("notes")
        .get_string(&room.doc().transact())
}

/// Two histories of client 77 that cannot both be true: in the first, struct (77,0) is a
/// plain value; the second's struct (77,1) is an entry of a map that, in its own history, is
/// (77,0). Applying both makes yrs refuse (77,1) half way ("parent must be a type").
fn conflicting_histories() -> (Vec<u8>, Vec<u8>) {
    use yrs::{Map, MapPrelim};
    let plain = Doc::with_client_id(77);
    let first = {
        let root = plain.get_or_insert_map("m");
        let mut txn = plain.transact_mut();
        root.insert(&mut txn, "k", "texto");
        txn.encode_update_v1()
    };
    let nested = Doc::with_client_id(77);
    let root = nested.get_or_insert_map("m");
    let inner = root.insert(&mut nested.transact_mut(), "k", MapPrelim::default());
    let before = nested.transact().state_vector();
    inner.insert(&mut nested.transact_mut(), "x", 1);
    let second = nested.transact().encode_diff_v1(&before);
    (first, second)
}

#[test]
fn an_update_that_once_broke_the_room_is_refused_alone_after_the_reload() {
    let (first, poison) = conflicting_histories();
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    room.join(2, Credential::writer(), &mut out);
    room.receive(2, &protocol::update(&first), Instant::now(), &mut out)
        .unwrap();
    out.clear();
    assert_eq!(
        room.receive(2, &protocol::update(&poison), Instant::now(), &mut out),
        Err(ProtocolError::Poisoned)
    );
    assert!(out.is_empty(), "nothing is stored or forwarded");

    // The caller reloads the room from what was stored, carrying what it refused.
    let mut reloaded = Room::load([first.as_slice()]).unwrap();
    reloaded.refuse(room.refused());
    reloaded.join(1, Credential::writer(), &mut out);
    reloaded.join(2, Credential::writer(), &mut out);
    let before = reloaded.full_state();
    out.clear();
    // The client reconnects and sends the same again, as y-websocket does: refused without
    // touching the room.
    assert!(matches!(
        reloaded.receive(2, &protocol::sync_step2(&poison), Instant::now(), &mut out),
        Err(ProtocolError::BadUpdate(_))
    ));
    assert!(out.is_empty());
    assert_eq!(reloaded.full_state(), before);
    // Everyone else's edits still go through.
    reloaded
        .receive(
            1,
            &protocol::update(&edit(5, "sigue")),
            Instant::now(),
            &mut out,
        )
        .unwrap();
    assert_eq!(text_of(&reloaded), "sigue");
}

#[test]
fn a_newcomer_gets_our_state_vector_then_presence() {
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    assert_eq!(
        out,
        vec![Effect::Send {
            to: 1,
            frame: protocol::sync_step1(&StateVector::default())
        }]
    );

    let mut clients = HashMap::new();
    clients.insert(
        ClientID::new(9),
        AwarenessUpdateEntry {
            clock: 1,
            // Already what the server stamps (this credential's role), so echoed as is.
            json: r#"{"user":{"name":"Ana","role":"participante"}}"#.into(),
        },
    );
    let presence = protocol::awareness(&AwarenessUpdate { clients });
    out.clear();
    room.receive(1, &presence, Instant::now(), &mut out)
        .unwrap();
    let Some(Incoming::Awareness(relayed)) = protocol::decode(&presence).ok() else {
        panic!()
    };
    assert_eq!(
        out,
        vec![
            Effect::Broadcast {
                except: None,
                frame: presence.clone()
            },
            Effect::Relay {
                presence: Bytes::from(relayed.encode_v1())
            }
        ],
        "echoed to all, and relayed to the board's rooms on other servers"
    );

    out.clear();
    room.join(2, Credential::writer(), &mut out);
    assert_eq!(out.len(), 2);
    assert!(matches!(&out[1], Effect::Send { to: 2, frame } if protocol::decode(frame).is_ok()));
}

#[test]
fn an_update_is_persisted_before_it_is_forwarded_to_the_others() {
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    room.join(2, Credential::writer(), &mut out);
    out.clear();
    let update = edit(100, "acta");
    let frame = protocol::update(&update);
    room.receive(1, &frame, Instant::now(), &mut out).unwrap();
    assert_eq!(
        out,
        vec![
            Effect::Persist {
                update: Bytes::from(update.clone()),
                author: None,
            },
            Effect::Broadcast {
                except: Some(1),
                frame: frame.clone()
            },
        ]
    );
    assert_eq!(text_of(&room), "acta");

    // SyncStep2 from a client is applied the same way and forwarded as an Update.
    out.clear();
    let second = edit(200, "x");
    room.receive(2, &protocol::sync_step2(&second), Instant::now(), &mut out)
        .unwrap();
    assert_eq!(
        out[1],
        Effect::Broadcast {
            except: Some(2),
            frame: protocol::update(&second)
        }
    );
}

#[test]
fn sync_step1_is_answered_with_exactly_what_the_peer_lacks() {
    let mut room = Room::load([edit(100, "hola").as_slice()]).unwrap();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    out.clear();
    room.receive(
        1,
        &protocol::sync_step1(&StateVector::default()),
        Instant::now(),
        &mut out,
    )
    .unwrap();
    let Effect::Send { to: 1, frame } = &out[0] else {
        panic!("{out:?}")
    };
    let Incoming::SyncStep2(diff) = protocol::decode(frame).unwrap() else {
        panic!()
    };
    let replica = Room::load([diff.as_ref()]).unwrap();
    assert_eq!(text_of(&replica), "hola");
}

#[test]
fn read_only_peers_and_frozen_rooms_are_refused_with_auth_denied() {
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(
        1,
        Credential {
            writable: false,
            ..Credential::writer()
        },
        &mut out,
    );
    room.join(2, Credential::writer(), &mut out);
    out.clear();
    room.receive(
        1,
        &protocol::update(&edit(100, "no")),
        Instant::now(),
        &mut out,
    )
    .unwrap();
    assert_eq!(
        out,
        vec![Effect::Send {
            to: 1,
            frame: protocol::auth_denied(READ_ONLY_REASON)
        }]
    );
    assert_eq!(text_of(&room), "");

    out.clear();
    room.receive(1, &protocol::sync_step2(&[0, 0]), Instant::now(), &mut out)
        .unwrap();
    assert!(
        out.is_empty(),
        "an empty SyncStep2 from a reader is not an edit"
    );

    room.freeze(&mut out);
    assert_eq!(
        out,
        vec![Effect::Broadcast {
            except: None,
            frame: protocol::auth_denied(CLOSED_REASON)
        }],
        "everyone hears the board is closed"
    );
    out.clear();
    room.receive(
        2,
        &protocol::update(&edit(200, "tarde")),
        Instant::now(),
        &mut out,
    )
    .unwrap();
    assert_eq!(
        out,
        vec![Effect::Send {
            to: 2,
            frame: protocol::auth_denied(READ_ONLY_REASON)
        }]
    );
    // Reading still works for everyone.
    out.clear();
    room.receive(
        1,
        &protocol::sync_step1(&StateVector::default()),
        Instant::now(),
        &mut out,
    )
    .unwrap();
    assert!(matches!(out[0], Effect::Send { to: 1, .. }));
}

#[test]
fn malformed_frames_are_errors_and_leave_the_room_untouched() {
    let mut room = Room::load([edit(100, "intacto").as_slice()]).unwrap();
    let before = room.state_vector();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    out.clear();
    for frame in [
        Bytes::from_static(&[0, 2, 3, 1, 2, 3]),
        Bytes::from_static(&[0, 9]),
        Bytes::from_static(&[0xff]),
        protocol::awareness(&AwarenessUpdate {
            clients: [(
                ClientID::new(1),
                AwarenessUpdateEntry {
                    clock: 1,
                    json: "{no es json".into(),
                },
            )]
            .into(),
        }),
    ] {
        assert!(
            room.receive(1, &frame, Instant::now(), &mut out).is_err(),
            "{frame:?}"
        );
    }
    assert!(out.is_empty());
    assert_eq!(room.state_vector(), before);
    assert_eq!(text_of(&room), "intacto");
}

#[test]
fn one_socket_cannot_announce_unbounded_presence() {
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(
        1,
        Credential {
            writable: false,
            ..Credential::writer()
        },
        &mut out,
    );
    let many = |n: u64| {
        protocol::awareness(&AwarenessUpdate {
            clients: (0..n)
                .map(|c| {
                    (
                        ClientID::new(c + 1),
                        AwarenessUpdateEntry {
                            clock: 1,
                            json: "{}".into(),
                        },
                    )
                })
                .collect(),
        })
    };
    assert!(
        room.receive(
            1,
            &many(MAX_CLIENTS_PER_CONNECTION as u64),
            Instant::now(),
            &mut out
        )
        .is_ok()
    );
    assert_eq!(
        room.receive(
            1,
            &many(MAX_CLIENTS_PER_CONNECTION as u64 + 1),
            Instant::now(),
            &mut out
        ),
        Err(ProtocolError::Presence(PresenceError::TooManyClients))
    );
}

fn presence_of(client: u64, clock: u32, json: &str) -> Bytes {
    protocol::awareness(&AwarenessUpdate {
        clients: [(
            ClientID::new(client),
            AwarenessUpdateEntry {
                clock,
                json: json.into(),
            },
        )]
        .into(),
    })
}

#[test]
fn presence_states_and_sockets_have_a_size_cap() {
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    room.join(2, Credential::writer(), &mut out);
    let padded = |n: usize| format!("{{\"cursor\":\"{}\"}}", "x".repeat(n));
    let near = padded(MAX_STATE_BYTES - 200);
    assert!(
        room.receive(1, &presence_of(11, 1, &near), Instant::now(), &mut out)
            .is_ok()
    );
    assert!(matches!(
        room.receive(
            2,
            &presence_of(21, 1, &padded(MAX_STATE_BYTES)),
            Instant::now(),
            &mut out
        ),
        Err(ProtocolError::Presence(PresenceError::StateTooLarge { .. }))
    ));
    // Renewing a state replaces its bytes; new clients add theirs up to the socket's cap.
    assert!(
        room.receive(1, &presence_of(11, 2, &near), Instant::now(), &mut out)
            .is_ok()
    );
    let fit = MAX_BYTES_PER_CONNECTION / (MAX_STATE_BYTES - 200);
    for client in 12..(11 + fit as u64) {
        assert!(
            room.receive(1, &presence_of(client, 1, &near), Instant::now(), &mut out)
                .is_ok()
        );
    }
    out.clear();
    assert!(matches!(
        room.receive(1, &presence_of(99, 1, &near), Instant::now(), &mut out),
        Err(ProtocolError::Presence(
            PresenceError::ConnectionTooLarge { .. }
        ))
    ));
    assert!(out.is_empty(), "a refused update is not passed on");
    // A removal always fits.
    assert!(
        room.receive(1, &presence_of(11, 3, "null"), Instant::now(), &mut out)
            .is_ok()
    );
}

#[test]
fn newcomers_share_one_encoded_presence_snapshot_until_it_changes() {
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    room.receive(1, &presence_of(11, 1, "{}"), Instant::now(), &mut out)
        .unwrap();
    let snapshot_for = |room: &mut Room, conn: ConnId| {
        let mut out = Vec::new();
        room.join(conn, Credential::writer(), &mut out);
        out.into_iter()
            .find_map(|e| match e {
                Effect::Send { frame, .. } if frame[0] == 1 => Some(frame),
                _ => None,
            })
            .unwrap()
    };
    let first = snapshot_for(&mut room, 2);
    let second = snapshot_for(&mut room, 3);
    assert_eq!(
        first.as_ptr(),
        second.as_ptr(),
        "the same bytes, not a re-encoding"
    );
    room.receive(
        1,
        &presence_of(11, 2, "{\"editing\":\"x\"}"),
        Instant::now(),
        &mut out,
    )
    .unwrap();
    let third = snapshot_for(&mut room, 4);
    assert_ne!(first, third, "a change re-encodes it");
}

#[test]
fn leaving_and_going_silent_remove_presence() {
    let t0 = Instant::now();
    let mut room = Room::new();
    let mut out = Vec::new();
    room.join(1, Credential::writer(), &mut out);
    room.join(2, Credential::writer(), &mut out);
    let presence = |client: u64| {
        protocol::awareness(&AwarenessUpdate {
            clients: [(
                ClientID::new(client),
                AwarenessUpdateEntry {
                    clock: 1,
                    json: "{}".into(),
                },
            )]
            .into(),
        })
    };
    room.receive(1, &presence(11), t0, &mut out).unwrap();
    room.receive(2, &presence(22), t0, &mut out).unwrap();
    out.clear();
    room.leave(1, t0, &mut out);
    let [
        Effect::Broadcast {
            except: Some(1),
            frame,
        },
        Effect::Relay { .. },
    ] = out.as_slice()
    else {
        panic!("{out:?}")
    };
    let Incoming::Awareness(removal) = protocol::decode(frame).unwrap() else {
        panic!()
    };
    assert_eq!(&*removal.clients[&ClientID::new(11)].json, "null");

    out.clear();
    room.sweep(
        t0 + Duration::from_secs(31),
        super::super::awareness::DEFAULT_STALE_AFTER,
        &mut out,
    );
    let [
        Effect::Broadcast {
            except: None,
            frame,
        },
    ] = out.as_slice()
    else {
        panic!("{out:?}")
    };
    let Incoming::Awareness(removal) = protocol::decode(frame).unwrap() else {
        panic!()
    };
    assert!(removal.clients.contains_key(&ClientID::new(22)));
}

#[test]
fn a_stored_update_that_does_not_integrate_is_skipped_and_the_board_still_loads() {
    let (first, poison) = conflicting_histories();
    let room = Room::load([first.as_slice(), poison.as_slice()]).expect("the board loads");
    assert_eq!(room.skipped_on_load(), 1);
    assert!(
        Room::load([b"no es una actualizacion".as_slice()]).is_err(),
        "bytes that are not an update are corruption"
    );
}
