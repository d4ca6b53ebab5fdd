//! A schema migration as one SQL script: the runtime's `exec` runs a
//! script's statements in order and answers with the last one's rows.

/// What an object's storage holds when it is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// A recorded schema version.
    Version(usize),
    /// No version and no other table: new storage.
    Nothing,
    /// Tables but no version: written before versions were recorded.
    Unversioned,
}

/// The script that brings storage holding `found` up to the last of
/// `steps` (each step a list of schema files), or `None` when it is there.
/// New storage gets `fresh`, the same end state written at once, when
/// there is one; storage at an older version gets the steps it lacks.
pub fn upgrade(found: Found, steps: &[&[&str]], fresh: Option<&str>) -> Option<String> {
    let last = steps.len();
    let from = match (found, fresh) {
        (Found::Version(at), _) if at >= last => return None,
        (Found::Version(at), _) => at,
        (Found::Nothing, Some(fresh)) => return Some(migration_script([fresh], last)),
        (Found::Nothing | Found::Unversioned, _) => 0,
    };
    let pending = steps.get(from..).unwrap_or_default().iter().flat_map(|files| files.iter().copied());
    Some(migration_script(pending, last))
}

/// The `files` in order, then `version` recorded in `schema_version`. Each
/// file ends in exactly one `;` here, since the runtime refuses an empty
/// statement, and the script always ends in a statement.
fn migration_script<'a>(files: impl IntoIterator<Item = &'a str>, version: usize) -> String {
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

    const STEPS: &[&[&str]] = &[&["CREATE TABLE a (x)", "CREATE TABLE b (y)"], &["ALTER TABLE a ADD COLUMN z"]];
    const FRESH: &str = "CREATE TABLE a (x, z); CREATE TABLE b (y)";

    #[test]
    fn new_storage_gets_the_fresh_schema_at_the_last_version() {
        let s = upgrade(Found::Nothing, STEPS, Some(FRESH)).unwrap();
        assert!(s.starts_with(FRESH) && s.ends_with("VALUES (2)"), "{s}");
        assert!(!s.contains("ALTER"));
    }

    #[test]
    fn older_storage_gets_only_the_steps_it_lacks() {
        let s = upgrade(Found::Version(1), STEPS, Some(FRESH)).unwrap();
        assert!(s.starts_with("ALTER TABLE a ADD COLUMN z;") && s.ends_with("VALUES (2)"), "{s}");
    }

    #[test]
    fn unversioned_storage_and_schemas_without_a_fresh_form_run_every_step() {
        for (found, fresh) in [(Found::Unversioned, Some(FRESH)), (Found::Nothing, None)] {
            let s = upgrade(found, STEPS, fresh).unwrap();
            assert!(s.starts_with("CREATE TABLE a (x);\nCREATE TABLE b (y);\nALTER"), "{s}");
        }
    }

    #[test]
    fn current_or_newer_storage_runs_nothing() {
        assert_eq!(upgrade(Found::Version(2), STEPS, Some(FRESH)), None);
        assert_eq!(upgrade(Found::Version(7), STEPS, None), None);
    }

    #[test]
    fn nothing_pending_only_records_the_version() {
        assert_eq!(
            migration_script([], 3),
            "DELETE FROM schema_version;\nINSERT INTO schema_version (version) VALUES (3)"
        );
    }
}
