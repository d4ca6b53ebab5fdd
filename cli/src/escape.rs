//! Text from a capture made safe for a terminal. A sender chooses every
//! byte of a body and of its header values, and a terminal obeys control
//! sequences: ESC starts colour changes, cursor moves, window-title and
//! OSC 52 clipboard writes; a carriage return or a backspace overwrites what
//! was printed; C1 controls (U+0080-U+009F) act as ESC sequences on some
//! terminals; bidirectional overrides reorder what is shown. Each becomes a
//! visible escape such as `\x1b` or `\u{202e}`; newlines and tabs stay.

/// `text` with every character a terminal would act on written as an escape.
pub fn for_terminal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            '\\' => out.push('\\'),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_c1(c) || is_bidi_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_sequences_become_visible() {
        assert_eq!(for_terminal("\x1b]52;c;cHduZWQ=\x07"), "\\x1b]52;c;cHduZWQ=\\x07");
        assert_eq!(for_terminal("ok\rFAKE"), "ok\\rFAKE");
        assert_eq!(for_terminal("\x1b[2J\x08\x7f"), "\\x1b[2J\\x08\\x7f");
        assert_eq!(for_terminal("a\u{9b}31m"), "a\\u{9b}31m");
        assert_eq!(for_terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        let text = "{\"a\": \"b\"}\n\tline two — ünïcödé 😀 \\ ok";
        assert_eq!(for_terminal(text), text);
    }
}
