//! The territory's assets beside the barriers that mobilise them: the local dashboard's answer
//! to "with what is the territory answering its barriers?".

use serde::{Deserialize, Serialize};

use super::{BarrierRow, Filters};
use crate::domain::assets::Asset;
use crate::domain::board::BarrierStatus;

/// A barrier that names an asset, as the panel links it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetBarrier {
    pub session_id: i64,
    pub record_id: String,
    pub description: String,
    pub status: BarrierStatus,
}

/// One asset of the territory and the barriers (in the dashboard's period and filters) it is
/// mobilised for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetUse {
    pub code: String,
    pub name: String,
    pub kind: String,
    /// Where it is, as people read it: `Bosa · UPZ Bosa Central`.
    pub place: String,
    pub barriers: Vec<AssetBarrier>,
}

impl AssetUse {
    pub fn open_barriers(&self) -> usize {
        self.barriers
            .iter()
            .filter(|b| b.status != BarrierStatus::Resuelta)
            .count()
    }
}

/// The territory's `assets` with the barriers of `rows` that name each: the most mobilised
/// first, then by name; assets no barrier names yet are listed too (what the territory has).
pub fn asset_uses(
    assets: &[Asset],
    rows: &[BarrierRow],
    filters: &Filters,
    place: impl Fn(&Asset) -> String,
) -> Vec<AssetUse> {
    let kept: Vec<&BarrierRow> = rows
        .iter()
        .filter(|b| filters.in_period(b.session_date))
        .filter(|b| filters.institution_matches(&b.institution))
        .filter(|b| filters.barrier_type.is_none_or(|t| t == b.kind))
        .collect();
    let mut uses: Vec<AssetUse> = assets
        .iter()
        .map(|asset| AssetUse {
            code: asset.code.clone(),
            name: asset.name.clone(),
            kind: asset.kind.label_short().to_owned(),
            place: place(asset),
            barriers: kept
                .iter()
                .filter(|b| b.assets.contains(&asset.code))
                .map(|b| AssetBarrier {
                    session_id: b.session_id,
                    record_id: b.record_id.clone(),
                    description: b.description.clone(),
                    status: b.status,
                })
                .collect(),
        })
        .collect();
    uses.sort_by(|a, b| {
        b.barriers
            .len()
            .cmp(&a.barriers.len())
            .then_with(|| a.name.cmp(&b.name))
    });
    uses
}
