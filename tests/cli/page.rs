//! The HTML report from a phone to a wide screen (issue 29 §2): laid out by Chromium at true
//! viewport widths from 360 to 1600 px, nothing scrolls sideways and no text overflows its
//! box (tests/page/layout.js measures); and, without a browser, the page holds what makes
//! that so: the matrix as a table and as one block per proposition, swapped at the width
//! the table needs, and each timeline as a chart and as a list.

use crate::common::*;
use scraper::{Html, Selector};

/// The stories the page is measured on, each with the day it is read as of.
const STORIES: &[(&str, &str)] =
    &[("kupol-drones", "2025-10-01"), ("reversal", "2024-05-01"), ("twelve-propositions", "2023-04-01")];

const WIDTHS: &str = "360,420,640,800,1024,1400,1600";

fn page(name: &str, as_of: &str) -> (Db, std::path::PathBuf) {
    let db = Db::with_fixture(&format!("{name}.json"));
    let file = db.file(&format!("{name}.html"));
    db.ok(&["report", "--as-of", as_of, "--format", "html", "-o", file.to_str().unwrap()][..]);
    (db, file)
}

fn chromium() -> String {
    std::env::var("CLAIMTRACK_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Node, playwright-core where Node finds it (NODE_PATH) and Chromium.
fn browser_at_hand() -> bool {
    on_path("node")
        && std::path::Path::new(&chromium()).exists()
        && std::process::Command::new("node")
            .args(["-e", "require('playwright-core')"])
            .output()
            .is_ok_and(|o| o.status.success())
}

#[test]
fn the_page_fits_every_width_from_a_phone_to_a_wide_screen() {
    let needs = "node, playwright-core (npm install playwright-core; NODE_PATH at its node_modules) and chromium";
    if skip_unless(browser_at_hand(), "page::the_page_fits_every_width_from_a_phone_to_a_wide_screen", needs) {
        return;
    }
    for (name, as_of) in STORIES {
        let (_db, file) = page(name, as_of);
        let out = std::process::Command::new("node")
            .arg(repo_path("tests/page/layout.js"))
            .args([file.to_str().unwrap(), WIDTHS])
            .output()
            .expect("node runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name}: what does not fit, by width:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("\"1600\": []"), "{name}: every width measured:\n{stdout}");
    }
}

#[test]
fn the_matrix_is_also_one_block_per_proposition_and_timelines_also_lists() {
    for (name, as_of) in STORIES {
        let (_db, file) = page(name, as_of);
        let html = std::fs::read_to_string(&file).unwrap();
        let doc = Html::parse_document(&html);
        let count = |s: &str| doc.select(&Selector::parse(s).unwrap()).count();
        let props = count("table.matrix th.prop");
        assert!(props > 0, "{name}");
        assert_eq!(count(".matrix-blocks dl"), props, "{name}: a block per proposition");
        assert!(!html.contains("class=\"scroll\""), "{name}: no side-scroller");
        assert_eq!(count("svg.timeline"), count("ol.timeline-list"), "{name}: each chart has its list");
        let swap = ".matrix-wide { display: none; } .matrix-blocks { display: block; }";
        if props >= 8 {
            // Wider than the page's 74rem at any width: the blocks always.
            assert!(html.contains(&format!("\n{swap}\n")), "{name}");
        } else {
            assert!(html.contains(&format!("px) {{ {swap} }}")), "{name}: the blocks below the table's width");
        }
    }
}
