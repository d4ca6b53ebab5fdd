//! Headers as one text block, `name:value` a line, so the edge moves them
//! across the runtime boundary in a single call instead of several per
//! header (each a crossing between wasm and JavaScript): a response's
//! headers out, a request's in.

/// The block for `headers`, in order; `None` if a name holds `:` or a line
/// break, or a value a line break: no valid header does.
pub fn header_block<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<String> {
    let mut block = String::new();
    for (name, value) in headers {
        if name.contains([':', '\n', '\r']) || value.contains(['\n', '\r']) {
            return None;
        }
        block.push_str(name);
        block.push(':');
        block.push_str(value);
        block.push('\n');
    }
    Some(block)
}

/// The `(name, value)` pairs of a block the runtime wrote from a request's
/// headers, in order. The runtime's names never hold `:` and its values
/// never a line break, so each line splits at its first colon.
pub fn parse_block(block: &str) -> Vec<(String, String)> {
    block
        .split('\n')
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_header_in_order_repeats_kept() {
        let block = header_block([("a", "1"), ("set-cookie", "x=1; Path=/"), ("set-cookie", "y=2"), ("b", "")]);
        assert_eq!(block.as_deref(), Some("a:1\nset-cookie:x=1; Path=/\nset-cookie:y=2\nb:\n"));
        assert_eq!(header_block([]).as_deref(), Some(""));
        // A value may hold a colon: only the first one on a line splits it.
        assert_eq!(
            header_block([("location", "https://x.example:8443/")]).as_deref(),
            Some("location:https://x.example:8443/\n")
        );
    }

    #[test]
    fn a_block_parses_back_to_its_pairs() {
        let pairs = [("a", "1"), ("location", "https://x.example:8443/"), ("x-empty", ""), ("a", "2")];
        let back = parse_block(&header_block(pairs).unwrap());
        let want: Vec<(String, String)> = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        assert_eq!(back, want);
        assert!(parse_block("").is_empty());
    }

    #[test]
    fn line_breaks_and_colons_in_names_make_no_block() {
        assert_eq!(header_block([("a", "1\n2")]), None);
        assert_eq!(header_block([("a", "1\r")]), None);
        assert_eq!(header_block([("a:b", "1")]), None);
        assert_eq!(header_block([("a\n", "1")]), None);
    }
}
