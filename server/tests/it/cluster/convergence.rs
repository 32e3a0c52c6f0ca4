//! Thirty clients spread by the load balancer over three servers edit one board and two others.

use std::sync::Arc;
use std::time::Duration;

use super::{Finished, Fleet, Writer, converge};

const EDITS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_clients_over_three_servers_converge_and_everything_received_is_stored() {
    let Some(fleet) = Fleet::start(3).await else {
        return;
    };
    let shared = fleet.started_session("local-01", "2027-02-01T09:00").await;
    let second = fleet.started_session("local-02", "2027-02-01T09:00").await;
    let third = fleet.started_session("local-03", "2027-02-01T09:00").await;
    let plan: Vec<(i64, usize)> = vec![(shared, 20), (second, 5), (third, 5)];
    let mut tasks = Vec::new();
    let mut next_id = 1_000u64;
    for &(session, writers) in &plan {
        let finished: Finished = Arc::default();
        for _ in 0..writers {
            next_id += 1;
            let (id, url, finished) = (next_id, fleet.lb_url(session), finished.clone());
            tasks.push(tokio::spawn(async move {
                let mut writer = Writer::join(&url, id).await;
                for edit in 0..EDITS {
                    writer.edit(&url, &format!("[{id}:{edit}]")).await;
                    writer.drain(&url, Duration::from_millis(20)).await;
                }
                finished.lock().await.insert(id, writer.own_clock());
                converge(&mut writer, &url, &finished, writers).await;
                (session, writer)
            }));
        }
    }
    let mut by_board: std::collections::HashMap<i64, Vec<Writer>> = Default::default();
    for task in tasks {
        let (session, writer) = task.await.expect("writer task");
        by_board.entry(session).or_default().push(writer);
    }
    for (session, writers) in &by_board {
        let stored = fleet.stored_state_vector(*session).await;
        for writer in writers {
            assert_eq!(
                writer.state_vector(),
                stored,
                "writer {} holds exactly what board {session} stored\n{}",
                writer.id,
                fleet.logs()
            );
            assert_eq!(writer.reconnects, 0, "nobody was dropped");
        }
        let text = writers[0].client.as_ref().unwrap().text("t");
        for writer in writers {
            for edit in 0..EDITS {
                assert!(text.contains(&format!("[{}:{edit}]", writer.id)));
            }
        }
    }
    fleet.stop().await;
}
