//! Text from input files echoed into messages: control characters (a terminal's escape codes
//! among them) are written as escapes, so a hostile file cannot move the cursor, recolour or
//! retitle the terminal that shows fleetopt's message.

/// `text` with every control character (C0, DEL, C1) written as a Rust-style escape
/// (`\u{1b}`), and backslashes left as they are. Text without control characters is returned
/// unchanged.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(escape_controls("m5.large"), "m5.large");
        assert_eq!(
            escape_controls("m5\u{1b}[31mred\u{7}\u{9b}x\ny"),
            "m5\\u{1b}[31mred\\u{7}\\u{9b}x\\ny"
        );
        assert_eq!(escape_controls("naïve ✓"), "naïve ✓");
    }
}
