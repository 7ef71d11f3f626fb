//! The formats records travel in, both ways, in one place: the bundle, JSON Lines and CSV
//! (docs/FORMAT.md). `read` turns them into records for the store's writer; `write` turns
//! records into them; `claimreview` reads schema.org ClaimReview, published archives.

pub mod claimreview;
pub mod read;
pub mod write;
