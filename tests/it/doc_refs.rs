//! Every section citation of the project's documents resolves inside the repository.
//!
//! Code, fixtures and READMEs cite `docs/design.md`, `docs/aws-semantics.md` and
//! `docs/toolchain.md` by section number, in the forms `docs/README.md` lists: a document name
//! (`DESIGN`, `design.md`, `aws-semantics`, `aws-semantics.md`, `toolchain.md`, optionally in
//! backticks or after a path) followed by a section sign and a number, possibly continued as a
//! list (after `,`, `;`, `/`, `and` or `or`) or a range (two numbers joined by a dash), possibly
//! across a comment line break.
//! Each cited number must be exactly the number of a heading of the cited document (`## 12.`,
//! `### 1.6`, `### 3f.`), so a typo such as section 99 of the design fails here with its file and
//! line. A placeholder such as `§n` (a section sign followed by a letter) is not a citation.
//!
//! The unit tests below write the section sign as `\u{a7}`, so their deliberately wrong examples
//! are not citations made by this file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A citable document: where it lives and the names citations use for it (longest first, so
/// `DESIGN.md` is matched before `DESIGN`).
struct Document {
    path: &'static str,
    names: &'static [&'static str],
}

const DOCUMENTS: [Document; 3] = [
    Document {
        path: "docs/design.md",
        names: &["DESIGN.md", "design.md", "DESIGN", "design"],
    },
    Document {
        path: "docs/aws-semantics.md",
        names: &["aws-semantics.md", "aws-semantics"],
    },
    Document {
        path: "docs/toolchain.md",
        names: &["toolchain.md"],
    },
];

/// The file kinds that carry citations.
const EXTENSIONS: [&str; 4] = ["rs", "md", "toml", "sh"];

/// The section sign.
const SECTION: char = '\u{a7}';

/// One cited section (or range) of one document.
#[derive(Debug, PartialEq)]
struct Citation {
    /// Index into [`DOCUMENTS`].
    document: usize,
    /// 1-based line of the section sign.
    line: usize,
    /// The citation as written, normalised to `name §n` (or `name §a–§b`).
    text: String,
    /// The section numbers that must exist: one, or both ends of a range.
    sections: Vec<String>,
}

/// Every citation in `text`, in order.
fn citations(text: &str) -> Vec<Citation> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&start| start <= offset);
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let Some((document, name)) = name_at(text, i) else {
            i += c.len_utf8();
            continue;
        };
        let after_name = i + name.len();
        let mut pos = skip_gap(text, after_name + backticks(&text[after_name..]));
        while let Some((sections, written, end)) = reference_at(text, pos) {
            found.push(Citation {
                document,
                line: line_of(pos),
                text: format!("{name} {written}"),
                sections,
            });
            let next = skip_separator(text, end);
            if !text[next..].starts_with(SECTION) {
                break;
            }
            pos = next;
        }
        i = after_name;
    }
    found
}

/// A document name starting at byte `i` and standing as a word of its own.
fn name_at(text: &str, i: usize) -> Option<(usize, &'static str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    if text[..i].chars().next_back().is_some_and(is_word) {
        return None;
    }
    DOCUMENTS.iter().enumerate().find_map(|(index, document)| {
        document
            .names
            .iter()
            .find(|name| {
                text[i..].starts_with(*name)
                    && !text[i + name.len()..].chars().next().is_some_and(is_word)
            })
            .map(|name| (index, *name))
    })
}

/// The length of the backticks closing a quoted document name.
fn backticks(rest: &str) -> usize {
    rest.len() - rest.trim_start_matches('`').len()
}

/// Skips spaces, and at most one line break followed by a comment leader, so a citation whose
/// number wrapped onto the next comment line is still one citation.
fn skip_gap(text: &str, pos: usize) -> usize {
    let spaces = |p: usize| p + (text[p..].len() - text[p..].trim_start_matches([' ', '\t']).len());
    let mut p = spaces(pos);
    let rest = &text[p..];
    let newline = if rest.starts_with("\r\n") {
        2
    } else if rest.starts_with('\n') {
        1
    } else {
        return p;
    };
    p = spaces(p + newline);
    if let Some(leader) = ["//!", "///", "//", "#"]
        .into_iter()
        .find(|leader| text[p..].starts_with(leader))
    {
        p = spaces(p + leader.len());
    }
    p
}

/// Skips what may separate two sections cited after one name: a comma, semicolon or slash,
/// spaces, a wrapped line, `and` / `or`.
fn skip_separator(text: &str, pos: usize) -> usize {
    let mut p = pos;
    if text[p..].starts_with([',', ';', '/']) {
        p += 1;
    }
    p = skip_gap(text, p);
    for word in ["and ", "or "] {
        if text[p..].starts_with(word) {
            return skip_gap(text, p + word.len());
        }
    }
    p
}

/// A section number: digits first, then letters, digits and inner dots (`12`, `1.6`, `3f`); a
/// trailing dot ends the sentence, not the number.
fn section_number(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(text.len());
    let number = text[..end].trim_end_matches('.');
    number
        .starts_with(|c: char| c.is_ascii_digit())
        .then_some(number)
}

/// The section (or range of sections) cited at `pos`, which must be a section sign: the numbers,
/// the citation as written, and where it ends.
fn reference_at(text: &str, pos: usize) -> Option<(Vec<String>, String, usize)> {
    let rest = text[pos..].strip_prefix(SECTION)?;
    let rest = rest.trim_start_matches(SECTION);
    let first = section_number(rest)?;
    let mut end = text.len() - rest.len() + first.len();
    let mut sections = vec![first.to_owned()];
    let mut written = format!("{SECTION}{first}");
    if let Some(after_dash) = text[end..]
        .strip_prefix('\u{2013}')
        .or_else(|| text[end..].strip_prefix('-'))
    {
        let after_sign = after_dash.trim_start_matches(SECTION);
        if let Some(last) = section_number(after_sign) {
            end = text.len() - after_sign.len() + last.len();
            sections.push(last.to_owned());
            written = format!("{written}\u{2013}{SECTION}{last}");
        }
    }
    Some((sections, written, end))
}

/// The section numbers of a Markdown document's headings (`## 12. Performance` → `12`,
/// `### 1.6 Prices` → `1.6`), ignoring fenced code.
fn headings(markdown: &str) -> BTreeSet<String> {
    let mut fenced = false;
    let mut numbers = BTreeSet::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        if let Some(number) = title.split_whitespace().next().and_then(section_number) {
            numbers.insert(number.to_owned());
        }
    }
    numbers
}

/// The repository's files (tracked, plus new files git does not ignore) that can carry citations,
/// relative to `root`. Without git (a source archive), the tree is walked instead, skipping
/// `target/` and `.git/`.
fn repository_files(root: &Path) -> Vec<PathBuf> {
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .ok()
        .filter(|output| output.status.success());
    let mut files: Vec<PathBuf> = match listed {
        Some(output) => String::from_utf8_lossy(&output.stdout)
            .split('\0')
            .filter(|path| !path.is_empty())
            .map(PathBuf::from)
            .collect(),
        None => {
            let mut walked = Vec::new();
            walk(root, Path::new(""), &mut walked);
            walked
        }
    };
    files.retain(|path| {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
            && root.join(path).is_file()
    });
    files.sort();
    files.dedup();
    files
}

fn walk(root: &Path, relative: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(relative)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let path = relative.join(&name);
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if name != "target" && name != ".git" {
                walk(root, &path, files);
            }
        } else {
            files.push(path);
        }
    }
}

#[test]
fn every_section_citation_resolves_to_a_heading_of_the_cited_document() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sections: Vec<BTreeSet<String>> = DOCUMENTS
        .iter()
        .map(|document| {
            let text = std::fs::read_to_string(root.join(document.path)).unwrap();
            let numbers = headings(&text);
            assert!(
                !numbers.is_empty(),
                "{}: no numbered headings",
                document.path
            );
            numbers
        })
        .collect();
    let mut found = 0;
    let mut unresolved = Vec::new();
    for file in repository_files(root) {
        let bytes = std::fs::read(root.join(&file)).unwrap();
        for citation in citations(&String::from_utf8_lossy(&bytes)) {
            found += 1;
            let headings = &sections[citation.document];
            if !citation.sections.iter().all(|s| headings.contains(s)) {
                unresolved.push(format!(
                    "{}:{}: {} (no such heading in {})",
                    file.display(),
                    citation.line,
                    citation.text,
                    DOCUMENTS[citation.document].path
                ));
            }
        }
    }
    assert!(
        unresolved.is_empty(),
        "{} citation(s) name no heading of the cited document (docs/README.md lists the forms):\n{}",
        unresolved.len(),
        unresolved.join("\n")
    );
    assert!(
        found > 50,
        "only {found} citations found: the scan is broken, not the documents"
    );
}

#[test]
fn a_typo_in_a_section_number_does_not_resolve() {
    let cited = citations("see DESIGN \u{a7}99 and design.md \u{a7}11.");
    assert_eq!(cited.len(), 2);
    assert_eq!(cited[0].text, "DESIGN \u{a7}99");
    assert_eq!(cited[0].sections, ["99"]);
    assert_eq!(cited[1].sections, ["11"]);
    let design = headings("# fleetopt\n\n## 11. Errors\n\n## 12. Performance\n");
    assert!(!design.contains("99"));
    assert!(design.contains("11") && design.contains("12"));
}

#[test]
fn lists_and_ranges_belong_to_the_document_named_first() {
    let cited = citations(
        "(`aws-semantics.md` \u{a7}1, \u{a7}5.5,\n//! \u{a7}5.6 and \u{a7}2.1\u{2013}\u{a7}2.3), \
         then DESIGN \u{a7}6 and \u{a7}7; toolchain.md \u{a7}\u{a7}3e-3f, aws-semantics \u{a7}1.2/\u{a7}2.3",
    );
    let listed: Vec<(usize, &str, Vec<&str>)> = cited
        .iter()
        .map(|c| {
            (
                c.document,
                c.text.as_str(),
                c.sections.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (1, "aws-semantics.md \u{a7}1", vec!["1"]),
            (1, "aws-semantics.md \u{a7}5.5", vec!["5.5"]),
            (1, "aws-semantics.md \u{a7}5.6", vec!["5.6"]),
            (
                1,
                "aws-semantics.md \u{a7}2.1\u{2013}\u{a7}2.3",
                vec!["2.1", "2.3"]
            ),
            (0, "DESIGN \u{a7}6", vec!["6"]),
            (0, "DESIGN \u{a7}7", vec!["7"]),
            (2, "toolchain.md \u{a7}3e\u{2013}\u{a7}3f", vec!["3e", "3f"]),
            (1, "aws-semantics \u{a7}1.2", vec!["1.2"]),
            (1, "aws-semantics \u{a7}2.3", vec!["2.3"]),
        ]
    );
    assert_eq!(cited[2].line, 2);
}

#[test]
fn a_number_wrapped_onto_the_next_comment_line_is_still_cited() {
    let cited = citations("//! target: under 50 ms, DESIGN\n//! \u{a7}12), loading");
    assert_eq!(cited.len(), 1);
    assert_eq!((cited[0].line, cited[0].sections[0].as_str()), (2, "12"));
}

#[test]
fn words_that_only_look_like_document_names_are_not_citations() {
    let text = "designs/placement.md \u{a7}1, the design card, DESIGN.md names, \
                `DESIGN \u{a7}n`, my-design \u{a7}3, AWS \u{a7}1.7, \u{a7}1.5 alone";
    let cited = citations(text);
    assert!(cited.is_empty(), "{cited:?}");
}

#[test]
fn headings_are_numbered_by_their_first_word_outside_code() {
    let numbers = headings(
        "# Title\n## 1. One\n### 1.10 Ten\n### 3e. Scaling\n## Sources\n```toml\n# 7 comment\n```\n#8 no space\n",
    );
    assert_eq!(numbers.into_iter().collect::<Vec<_>>(), ["1", "1.10", "3e"]);
}
