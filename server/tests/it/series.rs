//! A recurring series in the store, on both engines: every date becomes a session numbered in
//! order with its board seeded, festivos are not among them; a series for an unknown Mesa is
//! refused.

use app::domain::board::BoardView;
use app::domain::parse_when;
use app::domain::series::SeriesRequest;
use sala::store::Store;

fn request(mesa: &str) -> SeriesRequest {
    SeriesRequest {
        mesa: mesa.into(),
        repeat: "mensual".into(),
        ordinal: "2".into(),
        weekday: "martes".into(),
        time: "09:00".into(),
        from: "2026-12-01".into(),
        until: "2027-03-31".into(),
        place: "Alcaldía Local".into(),
        mode: "presencial".into(),
        ..Default::default()
    }
}

async fn a_series_becomes_sessions_with_seeded_boards(store: Store) {
    let now = parse_when("2026-11-30T10:00").unwrap();
    let planned = request("local-05").validate(now).unwrap();
    assert_eq!(planned.skipped.len(), 1, "8 December is a festivo");
    let sessions = store
        .create_series_with_board(&planned.sessions, now, |carried| {
            sala::sync::followup::seed_update(carried, now)
        })
        .await
        .unwrap();
    let seqs: Vec<i64> = sessions.iter().map(|s| s.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    for session in &sessions {
        let room = store.load_room(session.id).await.unwrap();
        let view =
            BoardView::from_updates(room.updates.iter().map(Vec::as_slice)).expect("a board");
        assert_eq!(view.agenda[0].title, "Seguimiento de compromisos");
    }
    assert_eq!(
        store.list_sessions(Some("local-05")).await.unwrap().len(),
        3
    );

    // A Mesa that does not exist: refused, nothing stored.
    let planned = request("no-existe").validate(now).unwrap();
    assert!(
        store
            .create_series_with_board(&planned.sessions, now, |_| Vec::new())
            .await
            .is_err()
    );
    assert!(
        store
            .list_sessions(Some("no-existe"))
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

crate::on_both_engines!(a_series_becomes_sessions_with_seeded_boards);
