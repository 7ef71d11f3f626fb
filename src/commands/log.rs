//! `claimtrack log`: one source and everything in it logged in one go, written in an editor
//! on a template or read from a file (the format: `logfile`, docs/LOG.md).

use super::Ctx;
use crate::error::{Context, Error, Result};
use crate::interchange::read;
use crate::logfile;
use crate::prompt;
use crate::store::{self, Refs, Summary, Writer};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The text comes from --from, or from the editor (the command's help is in `cli`).
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack log\n  claimtrack log --from fixtures/log/reuters-report.toml\n  claimtrack log --dry-run --from - < article.toml"
)]
pub struct Args {
    /// Read the text from this file (- for standard input) instead of opening an editor
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Check everything and say what would be added, but write nothing
    #[arg(long)]
    dry_run: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    ctx.no_format("log")?;
    let (name, summary) = match &a.from {
        Some(file) => {
            let name = if file.as_os_str() == "-" { "<stdin>".to_string() } else { file.display().to_string() };
            let text = read(file, &name)?;
            let summary = write(ctx, &text, a.dry_run, false).map_err(|e| match e {
                Error::Input(_) | Error::Many(_) => {
                    Error::all(e.lines().into_iter().map(|m| format!("{name}: {m}")).collect())
                }
                other => other,
            })?;
            (name, summary)
        }
        None => ("log".to_string(), edit_until_valid(ctx, a.dry_run)?),
    };
    ctx.say(summary.said(&name, a.dry_run));
    Ok(())
}

fn read(file: &Path, name: &str) -> Result<String> {
    let (limit, instead) = (read::MAX_LOG, "; log one source a file");
    if file.as_os_str() == "-" {
        return read::read_whole(std::io::stdin().lock(), limit, name, "a log file", instead);
    }
    let f = std::fs::File::open(file).context(|| format!("reading {name}"))?;
    read::read_whole(f, limit, name, "a log file", instead)
}

/// Checks and writes the text's records in one transaction. Every error ("line N: ...") is
/// reported, in line order, and any error writes nothing. With `offer`, a new proposition
/// like a logged one is offered to be replaced by it (the person at the terminal decides).
fn write(ctx: &Ctx, text: &str, dry_run: bool, offer: bool) -> Result<Summary> {
    let (mut bundle, places, mut errors) = logfile::parse(text)?;
    for (new, used) in super::warn_of_lookalikes(ctx, &mut bundle, offer && !dry_run)? {
        ctx.say(format!("using {used} for {new}"));
    }
    let locate = |plural: &str, index: usize, field: &str| places.locate(plural, index, field);
    let checked = ctx.write(dry_run || !errors.is_empty(), |tx| {
        store::apply_every(Writer::new(tx, "add", Refs::IdsOrNames)?, bundle, &locate)
    });
    match checked {
        Ok(summary) if errors.is_empty() => Ok(summary),
        Ok(_) => Err(Error::all(logfile::by_line(errors))),
        Err(e @ (Error::Input(_) | Error::Many(_))) => {
            errors.extend(e.lines());
            Err(Error::all(logfile::by_line(errors)))
        }
        Err(other) => Err(other),
    }
}

/// Opens the editor on the template until what is saved is valid, and writes it. The text
/// is kept in a file while the editor is open; it is removed once logged or left unchanged,
/// and kept (and named) if the person gives up on text of their own.
fn edit_until_valid(ctx: &Ctx, dry_run: bool) -> Result<Summary> {
    let editor = editor()?;
    let template = template(ctx)?;
    let file = tempfile::Builder::new()
        .prefix("claimtrack-log-")
        .suffix(".toml")
        .tempfile()
        .context(|| "creating a file for the editor".into())?;
    let path = file.path().to_path_buf();
    let mut given = template.clone();
    loop {
        rewrite(&path, &given)?;
        run_editor(&editor, &path)?;
        let edited = read_back(&path)?;
        if edited == template || logfile::is_blank(&edited) {
            return Err(prompt::aborted("log", "the template was left unchanged or emptied"));
        }
        if edited == given {
            let kept = keep(file)?;
            return Err(prompt::aborted(
                "log",
                &format!(
                    "your text is kept in {}: log it later with `claimtrack log --from` that file",
                    kept.display()
                ),
            ));
        }
        let text = logfile::without_notes(&edited);
        match write(ctx, &text, dry_run, true) {
            Ok(summary) => return Ok(summary),
            Err(e @ (Error::Input(_) | Error::Many(_))) => {
                let messages = e.lines();
                match messages.as_slice() {
                    [one] => ctx.say(format!("{one}; reopening the editor (nothing is written until it is right)")),
                    all => {
                        all.iter().for_each(|m| ctx.say(m));
                        ctx.say(format!(
                            "{} things to fix; reopening the editor with each noted above its line (nothing is written until it is right)",
                            all.len()
                        ));
                    }
                }
                given = logfile::with_notes(&text, &messages);
            }
            Err(other) => {
                let kept = keep(file)?;
                ctx.say(format!("your text is kept in {}", kept.display()));
                return Err(other);
            }
        }
    }
}

/// Puts `text` in the editor's file as a new file of claimtrack's own: whatever is at the
/// name now (the editor may have swapped it for a symbolic link to another file) is removed,
/// never followed, and the file is created afresh (O_EXCL: it fails if anything took the name
/// in between), readable by its owner only.
fn rewrite(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::Io { context: format!("replacing {}", path.display()), source: e })
        }
        _ => {}
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .context(|| format!("writing {}", path.display()))
}

/// What the editor saved: read only from a regular file at the name, never through a
/// symbolic link (O_NOFOLLOW).
fn read_back(path: &Path) -> Result<String> {
    use std::os::unix::fs::OpenOptionsExt;
    let shown = path.display();
    let mut file =
        std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NOFOLLOW).open(path).map_err(|e| {
            match e.raw_os_error() {
                Some(libc::ELOOP) => Error::input(format!(
                    "log: {shown} was replaced by a symbolic link while the editor had it; nothing written"
                )),
                _ => Error::Io { context: format!("reading {shown}"), source: e },
            }
        })?;
    if !file.metadata().context(|| format!("reading {shown}"))?.is_file() {
        return Err(Error::input(format!("log: {shown} is no longer a regular file; nothing written")));
    }
    let mut text = String::new();
    file.read_to_string(&mut text).context(|| format!("reading {shown}"))?;
    Ok(text)
}

fn keep(file: tempfile::NamedTempFile) -> Result<PathBuf> {
    file.keep().map(|(_, path)| path).map_err(|e| Error::Io { context: "keeping your text".into(), source: e.error })
}

/// The template, listing what the database already holds.
fn template(ctx: &Ctx) -> Result<String> {
    if !ctx.db.exists() {
        return Ok(logfile::template(&[], &[], &[]));
    }
    let store = ctx.open_for_read()?;
    let c = store.conn();
    Ok(logfile::template(&store::parties(c)?, &store::propositions(c)?, &store::sources(c)?))
}

/// $VISUAL, else $EDITOR, else vi on a terminal (as git does).
fn editor() -> Result<String> {
    let set = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    match set("VISUAL").or_else(|| set("EDITOR")) {
        Some(editor) => Ok(editor),
        None if prompt::on_terminal() => Ok("vi".into()),
        None => {
            Err(Error::Usage("log: no editor to open: set VISUAL or EDITOR, or give the text with --from FILE".into()))
        }
    }
}

/// Runs the editor on the file, through the shell so that "code --wait" works.
fn run_editor(editor: &str, path: &Path) -> Result<()> {
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(path)
        .status()
        .context(|| format!("starting the editor ({editor})"))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::input(format!("log: the editor ({editor}) failed ({status}); nothing written")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_pass_04_error_notes_replace_a_symlink_and_never_write_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let (victim, path) = (dir.path().join("victim"), dir.path().join("log.toml"));
        std::fs::write(&victim, "system file\n").unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        rewrite(&path, "#! error: x\n").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "system file\n");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file(), "a file of claimtrack's own");
        assert_eq!(read_back(&path).unwrap(), "#! error: x\n");
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        assert!(read_back(&path).unwrap_err().to_string().contains("symbolic link"));
    }
}
