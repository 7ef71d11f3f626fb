//! Progress for long work: a bar on stderr once a job has run for a second, only on a
//! terminal and never with --quiet, so scripts and logs see nothing.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    started: Instant,
    enabled: bool,
    total: Option<u64>,
    what: &'static str,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// `total` in the same unit as the positions given later (bytes, propositions); `None`
    /// when unknown (standard input), which draws a spinner.
    pub fn new(quiet: bool, total: Option<u64>, what: &'static str) -> Progress {
        Progress { started: Instant::now(), enabled: !quiet && std::io::stderr().is_terminal(), total, what, bar: None }
    }

    pub fn set(&mut self, position: u64) {
        if !self.enabled || (self.bar.is_none() && self.started.elapsed() < DELAY) {
            return;
        }
        let (total, what) = (self.total, self.what);
        let bar = self.bar.get_or_insert_with(|| {
            let bar = match total {
                Some(t) => ProgressBar::new(t).with_style(
                    ProgressStyle::with_template("{msg} [{bar:40}] {percent}% ({elapsed}, about {eta} left)")
                        .expect("a valid template")
                        .progress_chars("=> "),
                ),
                None => ProgressBar::new_spinner(),
            };
            bar.set_message(what);
            bar
        });
        bar.set_position(position);
    }

    /// [`Progress::set`] for work whose size is only known once it starts.
    pub fn set_out_of(&mut self, done: usize, total: usize) {
        self.total.get_or_insert(total as u64);
        self.set(done as u64);
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
