//! Scheduling a Mesa's recurring series: the dates come from the domain (festivos skipped), the
//! sessions are created in one transaction, each board seeded as a single session's is.

use app::domain::format_bogota;
use app::domain::policy::Act;
use app::domain::series::{ScheduledSeries, SeriesRequest};
use app::error::AppError;
use app::ssr::RequestContext;
use chrono::Utc;

use super::StoreBackend;

impl StoreBackend {
    pub(super) async fn schedule_series_of(
        &self,
        cx: &RequestContext,
        request: SeriesRequest,
    ) -> Result<ScheduledSeries, AppError> {
        self.require_on_mesa(cx, Act::ScheduleSession, &request.mesa)
            .await?;
        let now = Utc::now();
        let planned = request.validate(now)?;
        let sessions = self
            .store
            .create_series_with_board(&planned.sessions, now, |carried| {
                crate::sync::followup::seed_update(carried, now)
            })
            .await?;
        if let (Some(first), Some(last)) = (sessions.first(), sessions.last()) {
            self.audit(
                cx,
                "serie de sesiones programada",
                &format!("{} sesiones {}–{}", first.mesa_code, first.seq, last.seq),
                &format!(
                    "{} ({} sesiones, de {} a {})",
                    planned.description,
                    sessions.len(),
                    format_bogota(first.scheduled_at),
                    format_bogota(last.scheduled_at)
                ),
            )
            .await;
        }
        self.announce_series(&sessions, &planned.description).await;
        Ok(ScheduledSeries {
            description: planned.description,
            sessions,
            skipped: planned.skipped,
        })
    }
}
