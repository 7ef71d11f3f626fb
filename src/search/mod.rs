//! Search in every language a story is told in: how text becomes index terms ([`terms`]),
//! how a person's query is parsed and what each term looks up in the index ([`query`]), and
//! how matches are shown ([`highlight`]) and how alike two texts are ([`similarity`]). The SQL,
//! and the FTS5 query written from a parsed one, are in the store (`store::search`).

pub mod highlight;
mod latin;
pub mod query;
pub mod similarity;
pub mod terms;

pub use highlight::highlight;
pub use query::Query;
pub use terms::{index_terms, Terms};
