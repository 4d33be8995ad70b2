//! `fleetopt completions SHELL` and `fleetopt man`: what clap users expect of a command-line
//! tool, generated from the clap definitions in `args.rs`, so they never drift from `--help`.

use clap::CommandFactory;
use clap_complete::Shell;

use super::Failure;
use super::args::Cli;
use super::output::emit;

/// The completion script for `shell`, on stdout.
pub fn completions(shell: Shell, output: Option<&std::path::Path>) -> Result<(), Failure> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "fleetopt", &mut script);
    emit(output, &text(script)?)
}

/// The manual page (roff) on stdout, as `man -l -` reads it: the top-level page listing every
/// command, or one command's page with all its options (`catalog-build` for `catalog build`).
pub fn man(name: Option<&str>, output: Option<&std::path::Path>) -> Result<(), Failure> {
    let top = Cli::command();
    let (command, title) = match name {
        None => (top, "fleetopt".to_owned()),
        Some(name) => find(&top, name).ok_or_else(|| {
            let mut names = Vec::new();
            command_names(&top, "", &mut names);
            Failure::input(format!(
                "man: unknown command `{}`; expected one of {}",
                fleetopt::instances::escape::escape_controls(name),
                names.join(", ")
            ))
        })?,
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .title(title)
        .source(format!("fleetopt {}", env!("CARGO_PKG_VERSION")))
        .render(&mut page)
        .map_err(|e| Failure::other(format!("cannot render the manual page: {e}")))?;
    emit(output, &text(page)?)
}

/// The (sub)command `name` names, `catalog-build` reaching `catalog build`; its page is titled
/// `fleetopt-catalog-build`.
fn find(top: &clap::Command, name: &str) -> Option<(clap::Command, String)> {
    let mut command = top.clone();
    let mut title = "fleetopt".to_owned();
    let mut rest = name;
    loop {
        let (head, tail) = rest
            .split_once('-')
            .map_or((rest, None), |(h, t)| (h, Some(t)));
        command = command.find_subcommand(head)?.clone();
        title = format!("{title}-{head}");
        match tail {
            None => {
                // What the page's NAME and SYNOPSIS call it: `fleetopt catalog build`.
                let words = title.replace('-', " ");
                return Some((command.bin_name(words.clone()).display_name(words), title));
            }
            Some(tail) => rest = tail,
        }
    }
}

/// Every command's page name, for the message refusing an unknown one.
fn command_names(command: &clap::Command, prefix: &str, names: &mut Vec<String>) {
    for sub in command.get_subcommands() {
        let name = format!("{prefix}{}", sub.get_name());
        names.push(name.clone());
        command_names(sub, &format!("{name}-"), names);
    }
}

fn text(bytes: Vec<u8>) -> Result<String, Failure> {
    String::from_utf8(bytes)
        .map_err(|e| Failure::other(format!("generated text is not UTF-8: {e}")))
}
