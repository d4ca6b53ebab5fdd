//! A schema migration as one SQL script: the runtime's `exec` runs a
//! script's statements in order and answers with the last one's rows.

/// The `files` in order, then `version` recorded in `schema_version`. Each
/// file ends in exactly one `;` here, since the runtime refuses an empty
/// statement, and the script always ends in a statement.
pub fn migration_script<'a>(files: impl IntoIterator<Item = &'a str>, version: usize) -> String {
    let mut script = String::new();
    for file in files {
        script.push_str(file.trim_end().trim_end_matches(';').trim_end());
        script.push_str(";\n");
    }
    script.push_str(&format!("DELETE FROM schema_version;\nINSERT INTO schema_version (version) VALUES ({version})"));
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRIGGER: &str = "-- a comment; with a semicolon\nCREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  INSERT INTO b VALUES (1);\nEND;\n";

    #[test]
    fn files_in_order_then_the_version() {
        let s = migration_script(["CREATE TABLE a (x)", TRIGGER, "ALTER TABLE a ADD COLUMN y;  \n"], 4);
        assert_eq!(
            s,
            "CREATE TABLE a (x);\n-- a comment; with a semicolon\nCREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  \
             INSERT INTO b VALUES (1);\nEND;\nALTER TABLE a ADD COLUMN y;\nDELETE FROM schema_version;\n\
             INSERT INTO schema_version (version) VALUES (4)"
        );
    }

    #[test]
    fn no_empty_statement_between_files() {
        let s = migration_script(["CREATE TABLE a (x);;\n", TRIGGER], 2);
        assert!(!s.contains(";;") && !s.contains(";\n;"), "{s}");
    }

    #[test]
    fn nothing_pending_only_records_the_version() {
        assert_eq!(
            migration_script([], 3),
            "DELETE FROM schema_version;\nINSERT INTO schema_version (version) VALUES (3)"
        );
    }
}
