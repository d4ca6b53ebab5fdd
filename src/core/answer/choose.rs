//! Which rule answers a capture: the first that matches it and is not used
//! up. The object stores the new use count in the same step as the capture,
//! so "fail twice, then succeed" holds across restarts.

use crate::core::answer::rule::Rule;
use crate::core::capture::namespace::Namespace;

/// The index of the rule that answers a request with `method` on the
/// sub-path whose namespace key is `path_key`, given each rule's `uses`.
pub fn choose(rules: &[Rule], uses: &[u64], method: &str, path_key: &str) -> Option<usize> {
    rules.iter().enumerate().position(|(i, rule)| {
        let used_up = rule.times.is_some_and(|t| uses.get(i).copied().unwrap_or(0) >= t);
        let method_ok = rule.matcher.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = rule.matcher.path_prefix.as_deref().is_none_or(|p| Namespace::new(p).contains(path_key));
        !used_up && method_ok && path_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::answer::rule::{parse_rules, RuleLimits};

    fn rules(json: &str) -> Vec<Rule> {
        parse_rules(json.as_bytes(), "k3p9q2x7m1nb", RuleLimits { max_rules: 20, max_delay_ms: 10_000 }).unwrap()
    }

    #[test]
    fn fail_twice_then_succeed() {
        let r = rules(r#"{"rules":[{"status":500,"times":2},{"status":200}]}"#);
        let mut uses = vec![0, 0];
        let mut answers = vec![];
        for _ in 0..4 {
            let i = choose(&r, &uses, "POST", "/").unwrap();
            uses[i] += 1;
            answers.push(r[i].status);
        }
        assert_eq!(answers, [500, 500, 200, 200]);
    }

    #[test]
    fn method_and_path_narrow_a_rule() {
        let r = rules(
            r#"{"rules":[{"status":410,"match":{"method":"DELETE"}},{"status":401,"match":{"path_prefix":"/github"}}]}"#,
        );
        let uses = [0, 0];
        assert_eq!(choose(&r, &uses, "delete", "/x"), Some(0));
        assert_eq!(choose(&r, &uses, "POST", "/github/push"), Some(1));
        assert_eq!(choose(&r, &uses, "POST", "/githubx"), None, "a whole segment, as namespaces");
        assert_eq!(choose(&[], &[], "POST", "/"), None);
    }
}
