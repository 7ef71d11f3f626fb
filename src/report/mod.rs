//! The report model: the summary an editor reads first, then for each proposition who says
//! what, read where and resting on what, its findings and its dates; the stance matrix; the
//! sources and parties named, with their notes. Built from one reading of the record
//! ([`crate::reconcile::Outcome`]) and the records' names, titles and notes: it never decides on its own what
//! counts. Rendered by one module per format, so every format says the same thing.

mod build;
pub mod digest;
pub mod html;
pub mod markdown;
mod page;
pub mod terminal;
pub mod words;

use build::Names;
pub use build::{build, numbers, trace};
pub use page::*;

use crate::error::Result;
use crate::output::{self, Format};

/// How a report is drawn beyond its format.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// The width the terminal report fits.
    pub width: usize,
    /// Show record ids beside the words.
    pub show_ids: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style { width: terminal::DEFAULT_WIDTH, show_ids: false }
    }
}

/// The report in one of its formats.
pub fn render(report: &Report, format: Format, style: Style) -> Result<String> {
    Ok(match format {
        Format::Markdown => markdown::render(report, style),
        Format::Html => html::render(report, style),
        Format::Json => {
            let mut out = Vec::new();
            output::json(&mut out, report)?;
            String::from_utf8(out).expect("JSON is UTF-8")
        }
        _ => terminal::render(report, style),
    })
}
