//! `claimtrack completions SHELL`: a completion script for bash, zsh or fish, generated from
//! the same definitions as --help, that also offers the ids in the database after --party,
//! --prop, --source and the other flags that name records. The scripts get those ids from
//! the hidden `claimtrack __complete-ids KIND`, which works offline and reads nothing but
//! the database (the one --db on the line being completed names, else the usual one).

use super::Ctx;
use crate::error::{Context, Result};
use crate::model::RecordKind;
use crate::store;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap_complete::Shell;
use std::io::Write;

/// Print a shell completion script: subcommands, flags, their values, and the ids of the
/// parties, propositions and sources in the database.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack completions bash > ~/.local/share/bash-completion/completions/claimtrack\n  claimtrack completions zsh > ~/.zfunc/_claimtrack\n  claimtrack completions fish > ~/.config/fish/completions/claimtrack.fish"
)]
pub struct Args {
    /// The shell
    #[arg(value_parser = ["bash", "zsh", "fish"])]
    shell: String,
}

/// Print the ids of one kind of record in the database, one a line (for completion scripts).
#[derive(clap::Args)]
#[command(after_help = "Example:\n  claimtrack __complete-ids party")]
pub struct IdsArgs {
    /// party, proposition or source
    #[arg(value_parser = PossibleValuesParser::new(COMPLETED.map(RecordKind::as_str)).try_map(|k| k.parse::<RecordKind>()))]
    kind: RecordKind,
}

/// The kinds whose ids are completed.
const COMPLETED: [RecordKind; 3] = [RecordKind::Party, RecordKind::Proposition, RecordKind::Source];

/// The flags whose values name records, and the kind each names.
const ID_FLAGS: &[(&str, RecordKind)] = &[
    ("party", RecordKind::Party),
    ("via", RecordKind::Party),
    ("by", RecordKind::Party),
    ("publisher", RecordKind::Party),
    ("parent", RecordKind::Party),
    ("expect", RecordKind::Party),
    ("prop", RecordKind::Proposition),
    ("source", RecordKind::Source),
    ("derived-from", RecordKind::Source),
];

pub fn run(ctx: &Ctx, a: Args, app: clap::Command) -> Result<()> {
    ctx.no_format("completions")?;
    let shell: Shell = a.shell.parse().expect("clap allows only known shells");
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut visible(app), "claimtrack", &mut script);
    let script = String::from_utf8(script).expect("completion scripts are UTF-8");
    let script = match shell {
        Shell::Zsh => zsh(&script),
        Shell::Fish => fish(script),
        _ => bash(script),
    };
    std::io::stdout().lock().write_all(script.as_bytes()).context(|| "writing the completion script".into())
}

pub fn run_ids(ctx: &Ctx, a: IdsArgs) -> Result<()> {
    // Completing in a directory with no database offers nothing, quietly.
    if !ctx.db.exists() {
        return Ok(());
    }
    let store = ctx.open_for_read()?;
    let mut out = std::io::stdout().lock();
    for id in store::ids(store.conn(), a.kind)? {
        writeln!(out, "{id}").context(|| "writing ids".into())?;
    }
    Ok(())
}

/// The command tree without its hidden commands, which clap_complete would offer.
fn visible(full: clap::Command) -> clap::Command {
    let mut shown = clap::Command::new("claimtrack").version(env!("CARGO_PKG_VERSION"));
    for arg in full.get_arguments() {
        shown = shown.arg(arg.clone());
    }
    for command in full.get_subcommands().filter(|c| !c.is_hide_set()) {
        shown = shown.subcommand(command.clone());
    }
    shown
}

/// bash: clap's script, wrapped so that after a flag that names a record the ids are offered.
/// Ids are data: matched as plain text and offered quoted (`printf %q`), never passed to
/// `compgen -W`, which would expand `$(...)` in them.
fn bash(script: String) -> String {
    let mut cases = String::new();
    for kind in COMPLETED {
        let flags: Vec<String> = ID_FLAGS.iter().filter(|f| f.1 == kind).map(|f| format!("--{}", f.0)).collect();
        cases.push_str(&format!("        {}) kind={kind} ;;\n", flags.join("|")));
    }
    // Registered in place of clap's own function, which it calls for everything else.
    let script = script.replace("complete -F _claimtrack ", "complete -F _claimtrack_with_ids ");
    format!(
        r#"{script}
# Ids from the database after the flags that name records (claimtrack __complete-ids).
# Each id is data: compared as text, offered quoted, never expanded.
_claimtrack_with_ids() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}" kind="" i id quoted
    local -a db=()
    case "$prev" in
{cases}    esac
    if [[ -z "$kind" ]]; then
        _claimtrack "$@"
        return
    fi
    for ((i = 1; i < COMP_CWORD - 1; i++)); do
        [[ "${{COMP_WORDS[i]}}" == --db ]] && db=(--db "${{COMP_WORDS[i+1]}}")
    done
    COMPREPLY=()
    while IFS= read -r id; do
        if [[ "$id" == "$cur"* ]]; then
            printf -v quoted '%q' "$id"
            COMPREPLY+=("$quoted")
        fi
    done < <("${{COMP_WORDS[0]}}" "${{db[@]}}" __complete-ids "$kind" 2>/dev/null)
}}
"#
    )
}

/// zsh: each flag that names a record completes with the ids of its kind.
fn zsh(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let spec = line.trim_start().trim_start_matches("'*").trim_start_matches('\'');
        let flag = ID_FLAGS.iter().find(|(flag, _)| spec.starts_with(&format!("--{flag}=[")));
        match flag {
            Some((_, kind)) if line.contains(":_default'") => {
                out.push_str(&line.replace(":_default'", &format!(":_claimtrack_ids {kind}'")))
            }
            _ => out.push_str(line),
        }
    }
    let helper = r#"
# Ids from the database (claimtrack __complete-ids), with --db as given on the line.
(( $+functions[_claimtrack_ids] )) ||
_claimtrack_ids() {
    local -a line ids db
    local i
    line=(${(Q)${(z)BUFFER}})
    for ((i = 2; i < ${#line}; i++)); do
        [[ ${line[i]} == --db ]] && db=(--db ${line[i+1]})
    done
    # _arguments puts compadd's options first: the kind is the last argument.
    ids=(${(f)"$(${line[1]} $db __complete-ids ${@[-1]} 2>/dev/null)"})
    compadd "${@[1,-2]}" -a ids
}
"#;
    // The helper must be defined before the script calls its main function at the end.
    match out.rfind("\nif [ \"$funcstack[1]\" = \"_claimtrack\" ]") {
        Some(at) => format!("{}{helper}{}", &out[..at + 1], &out[at + 1..]),
        None => format!("{out}{helper}"),
    }
}

/// fish: one more completion for each flag that names a record.
fn fish(mut script: String) -> String {
    script.push_str(
        r#"
# Ids from the database (claimtrack __complete-ids), with --db as given on the line.
function __claimtrack_ids
    set -l words (commandline -opc)
    set -l db
    if set -l i (contains -i -- --db $words)
        set db --db $words[(math $i + 1)]
    end
    $words[1] $db __complete-ids $argv[1] 2>/dev/null
end
"#,
    );
    for (flag, kind) in ID_FLAGS {
        script.push_str(&format!("complete -c claimtrack -l {flag} -x -a '(__claimtrack_ids {kind})'\n"));
    }
    script
}
