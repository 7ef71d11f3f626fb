//! What the ecosystem reads that claimtrack never reads back: schema.org ClaimReview and W3C
//! PROV-JSON, each built from the loaded story; no SQL here. (JSON Lines and CSV, which
//! travel both ways, are in `interchange`.)

pub mod claimreview;
pub mod prov;
