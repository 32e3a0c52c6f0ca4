//! Dashboard data, computed once per change. A dashboard is a pure roll-up
//! (`app::domain::dashboard::roll_up`) of the projected rows in its scope; computing it costs a few
//! queries. Every open dashboard refetches its data when a board in scope changes, and its page,
//! each chart image, each CSV and the XLSX read the same data, so the result is kept per query
//! and Bogotá day until the next change (the [`Projections`] version), and concurrent requests
//! for the same query wait for one computation.

use std::sync::Arc;

use app::domain::bogota;
use app::domain::dashboard::{Dashboard, DashboardQuery, EscalationWait, asset_uses, roll_up};
use app::error::AppError;
use chrono::{NaiveDate, Utc};

use crate::cache::VersionedCache;
use crate::projection::Projections;
use crate::store::Store;

/// Distinct queries kept at most; beyond it, entries of older versions go first, then all.
const MAX_ENTRIES: usize = 256;

type Key = (DashboardQuery, NaiveDate);

#[derive(Clone)]
pub struct Dashboards {
    store: Store,
    projections: Projections,
    cache: Arc<VersionedCache<Key, Arc<Dashboard>>>,
}

impl Dashboards {
    pub fn new(store: Store, projections: Projections) -> Self {
        Self {
            store,
            projections,
            cache: Arc::new(VersionedCache::new(MAX_ENTRIES)),
        }
    }

    /// The dashboard for `query` as of today (Bogotá calendar).
    pub async fn get(&self, query: DashboardQuery) -> Result<Arc<Dashboard>, AppError> {
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        // Read before computing: a change landing meanwhile bumps it, so what we compute is
        // never kept as newer than it is.
        let version = self.projections.version();
        let cell = self.cache.cell((query.clone(), today), version);
        let dashboard = cell
            .get_or_try_init(|| async { load(&self.store, query, today).await.map(Arc::new) })
            .await?;
        Ok(dashboard.clone())
    }
}

/// Builds a dashboard from the store.
async fn load(
    store: &Store,
    query: DashboardQuery,
    today: NaiveDate,
) -> Result<Dashboard, AppError> {
    let filters = query.validate().map_err(AppError::Conflict)?;
    let (label, mesas) = store.scope_mesas(&filters.scope).await?;
    let rows = store.scope_rows(&mesas).await?;
    let codes: Vec<String> = mesas.iter().map(|m| m.code.clone()).collect();
    let mut dashboard = roll_up(query, &filters, label, &rows, today);
    let waits = store
        .open_escalations_to(&codes)
        .await?
        .into_iter()
        .map(|e| EscalationWait {
            days_waiting: e.days_waiting(today),
            overdue: e.overdue(today),
            sent: e.escalated_at.with_timezone(&bogota()).date_naive(),
            session_id: e.session_id,
            barrier_id: e.barrier_id,
            barrier: e.barrier,
            from_mesa: e.from_mesa.name,
            to_mesa: e.to_mesa.name,
            status: e.status.label().to_owned(),
            answer_by: e.answer_by,
        })
        .collect();
    dashboard.add_escalations(waits, &filters);
    // The assets of the localidades the scope's Mesas answer for.
    let index = crate::indicators::bogota();
    let localidades: Vec<String> = mesas
        .iter()
        .filter_map(|m| index.of_mesa(&m.code))
        .flat_map(|t| index.localidad_codes(t))
        .collect();
    let assets: Vec<_> = store
        .assets()
        .await?
        .into_iter()
        .filter(|a| localidades.contains(&a.localidad))
        .collect();
    let name = |code: &str| index.get(code).map_or(code.to_owned(), |t| t.name.clone());
    dashboard.assets = asset_uses(&assets, &rows.barriers, &filters, |a| match &a.upz {
        Some(upz) => format!("{} · UPZ {}", name(&a.localidad), name(upz)),
        None => name(&a.localidad),
    });
    Ok(dashboard)
}
